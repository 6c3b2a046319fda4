from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Shown with every piece of guidance (DESIGN invariant 7) and accepted once before logging.
DISCLAIMER: str | Promise = _(
    "B12 Tracker records and explains. It does not diagnose, and it never tells you what dose "
    "to take. Decisions about tests, doses and treatment belong to your healthcare "
    "professional. If you have sudden or worsening numbness, weakness, problems with balance, "
    "vision, bladder or bowel control, or confusion, seek urgent medical advice."
)
