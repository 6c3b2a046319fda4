"""The person's clinical record as a FHIR R4 Bundle (type "collection"), built as plain dicts.

Resources (DOMAIN.md §9): one Patient; a MedicationStatement per supplement regimen; a
MedicationAdministration per injection and per scheduled or logged supplement dose (skipped and
missed doses as status "not-done"); an Observation per lab result, symptom diary entry and food
intake (R4 has no NutritionIntake, so an intake is an Observation of the B12 amount).

Soft-deleted rows are left out. This format is for clinical exchange, where a deleted row is
one the person withdrew; the JSON and CSV exports are the complete backup and keep them.

Codes: LOINC only where the code was checked against a published source and fits the unit the
result was entered in (a LOINC code fixes mass vs substance concentration, so serum B12 in
pmol/L does not get 2132-9, which is a mass concentration). Every lab result also carries our
own code, so nothing depends on a LOINC mapping being present. Units are UCUM.

No runtime dependency on a FHIR library: tests validate the output with fhir.resources.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from tracker.domain.safety import RED_FLAG_TAGS
from tracker.domain.symptoms import SYMPTOMS
from tracker.domain.units import LAB_TESTS, MICRO
from tracker.models import (
    FoodIntake,
    Injection,
    LabResult,
    Supplement,
    SupplementDose,
    SymptomEntry,
)
from tracker.models.supplements import DoseStatus

FHIR_MEDIA_TYPE = "application/fhir+json"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
HL7_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
OWN_SYSTEM_BASE = "https://b12tracker.example/fhir/CodeSystem"
LAB_TEST_SYSTEM = f"{OWN_SYSTEM_BASE}/lab-test"
SYMPTOM_SYSTEM = f"{OWN_SYSTEM_BASE}/symptom"
RED_FLAG_SYSTEM = f"{OWN_SYSTEM_BASE}/red-flag"
OWN_CATEGORY_SYSTEM = f"{OWN_SYSTEM_BASE}/observation-category"
OWN_OBSERVATION_SYSTEM = f"{OWN_SYSTEM_BASE}/observation"

# test → (LOINC code, the entered units it fits). Sources checked:
# - 2132-9 Cobalamin [Mass/volume] in Serum or Plasma: DOMAIN.md §4/§9; ARUP test 0070150
#   (reported in pg/mL).
# - 13964-2 Methylmalonate [Moles/volume] in Serum or Plasma: DOMAIN.md §4/§9; Mayo Clinic
#   Laboratories MMAP.
# - 13965-9 Homocysteine [Moles/volume] in Serum or Plasma: ARUP test 0099869 (µmol/L).
# - 2284-8 Folate [Mass/volume] in Serum or Plasma: ARUP 0070070 and Mayo Clinic FOL (ng/mL).
# - 718-7 Hemoglobin [Mass/volume] in Blood: Mayo Clinic HGB (g/dL).
# - 787-2 MCV [Entitic volume] by Automated count: HL7 US Core example Observation cbc-mcv (fL).
# Holotranscobalamin has no entry: its LOINC code was not confirmed by a laboratory or HL7
# source, so it carries our own code only.
LAB_LOINC: dict[str, tuple[str, frozenset[str]]] = {
    "serum_b12": ("2132-9", frozenset({"pg/mL", "ng/L"})),
    "mma": ("13964-2", frozenset({"nmol/L", f"{MICRO}mol/L"})),
    "homocysteine": ("13965-9", frozenset({f"{MICRO}mol/L"})),
    "folate": ("2284-8", frozenset({"ng/mL", f"{MICRO}g/L"})),
    "haemoglobin": ("718-7", frozenset({"g/L", "g/dL"})),
    "mcv": ("787-2", frozenset({"fL"})),
}

# The units the app accepts (tracker.domain.units), spelled in UCUM (micro is "u").
UCUM_CODES = {
    "pg/mL": "pg/mL",
    "ng/L": "ng/L",
    "ng/mL": "ng/mL",
    f"{MICRO}g/L": "ug/L",
    "pmol/L": "pmol/L",
    "nmol/L": "nmol/L",
    f"{MICRO}mol/L": "umol/L",
    "g/L": "g/L",
    "g/dL": "g/dL",
    "fL": "fL",
    f"{MICRO}g": "ug",
}


def build_bundle(*, user: Any, profile: Any, now: datetime) -> dict[str, Any]:
    """The Bundle for one person: six queries, however long the history."""
    patient_id = str(user.pk)
    subject = {"reference": f"Patient/{patient_id}"}
    patient: dict[str, Any] = {"resourceType": "Patient", "id": patient_id}
    if profile.birth_date is not None:
        patient["birthDate"] = profile.birth_date.isoformat()

    resources: list[dict[str, Any]] = [patient]
    alive = {"owner": user, "deleted_at__isnull": True}
    resources += [
        _medication_statement(row, subject)
        for row in Supplement.objects.filter(**alive).order_by("created_at", "pk")
    ]
    resources += [
        _injection(row, subject)
        for row in Injection.objects.filter(**alive)
        .select_related("plan")
        .order_by("given_at", "pk")
    ]
    resources += [
        _dose(row, subject)
        for row in SupplementDose.objects.filter(**alive)
        .select_related("supplement")
        .order_by("occurred_at", "pk")
    ]
    resources += [
        _lab_observation(row, subject)
        for row in LabResult.objects.filter(**alive).order_by("sampled_at", "pk")
    ]
    resources += [
        _symptom_observation(row, subject)
        for row in SymptomEntry.objects.filter(**alive).order_by("recorded_at", "pk")
    ]
    resources += [
        _intake_observation(row, subject)
        for row in FoodIntake.objects.filter(**alive)
        .select_related("food")
        .order_by("eaten_at", "pk")
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }


def _number(value: Decimal) -> int | float:
    # FHIR decimals are JSON numbers; 1000.000 is written 1000, 0.380 as 0.38.
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _quantity(value: Decimal, unit: str) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": _number(value), "unit": unit}
    if unit in UCUM_CODES:
        quantity |= {"system": UCUM, "code": UCUM_CODES[unit]}
    return quantity


def _micrograms(value: Decimal) -> dict[str, Any]:
    return _quantity(value, f"{MICRO}g")


def _notes(*texts: str) -> dict[str, Any]:
    present = [{"text": text} for text in texts if text]
    return {"note": present} if present else {}


def _medication_statement(supplement: Supplement, subject: dict[str, str]) -> dict[str, Any]:
    route = str(supplement.get_route_display())
    return {
        "resourceType": "MedicationStatement",
        "id": str(supplement.pk),
        "status": "active" if supplement.active else "stopped",
        "medicationCodeableConcept": {"text": supplement.name},
        "subject": subject,
        "dateAsserted": supplement.created_at.isoformat(),
        "dosage": [
            {
                "text": f"{_plain(supplement.dose_ug)} {MICRO}g ({supplement.get_form_display()}),"
                f" {route}",
                "route": {"text": route},
                "doseAndRate": [{"doseQuantity": _micrograms(supplement.dose_ug)}],
            }
        ],
        **_notes(supplement.note),
    }


def _injection(injection: Injection, subject: dict[str, str]) -> dict[str, Any]:
    plan = injection.plan
    dosage: dict[str, Any] = {"dose": _micrograms(injection.dose_ug)}
    text = [f"{_plain(injection.dose_ug)} {MICRO}g"]
    if plan is not None:
        route = str(plan.get_route_display())
        dosage["route"] = {"text": route}
        text.append(route.lower())
    if injection.site:
        site = str(injection.get_site_display())
        dosage["site"] = {"text": site}
        text.append(site.lower())
    dosage = {"text": ", ".join(text), **dosage}
    return {
        "resourceType": "MedicationAdministration",
        "id": str(injection.pk),
        "status": "completed",
        "medicationCodeableConcept": {
            "text": plan.product if plan is not None else "Vitamin B12 injection"
        },
        "subject": subject,
        "effectiveDateTime": injection.given_at.isoformat(),
        "dosage": dosage,
        **_notes(
            f"Given by: {injection.get_given_by_display()}",
            f"Lot: {injection.lot}" if injection.lot else "",
            injection.note,
        ),
    }


def _dose(dose: SupplementDose, subject: dict[str, str]) -> dict[str, Any]:
    taken = dose.status == DoseStatus.TAKEN
    when = (dose.taken_at if taken else dose.scheduled_for) or dose.occurred_at
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": str(dose.pk),
        "status": "completed" if taken else "not-done",
        "medicationCodeableConcept": {"text": dose.supplement.name},
        "subject": subject,
        "effectiveDateTime": when.isoformat(),
    }
    if taken:
        route = str(dose.get_route_display())
        resource["dosage"] = {
            "text": f"{_plain(dose.b12_ug)} {MICRO}g, {route}",
            "route": {"text": route},
            "dose": _micrograms(dose.b12_ug),
        }
    else:
        # No dosage on a dose not taken: FHIR requires a dose or a rate in every dosage.
        resource["statusReason"] = [{"text": str(dose.get_status_display())}]
    return resource


def _lab_observation(result: LabResult, subject: dict[str, str]) -> dict[str, Any]:
    spec = LAB_TESTS.get(result.test)
    label = str(spec.label) if spec is not None else result.test
    coding = [{"system": LAB_TEST_SYSTEM, "code": result.test, "display": label}]
    loinc = LAB_LOINC.get(result.test)
    if loinc is not None and result.unit in loinc[1]:
        coding.insert(0, {"system": LOINC, "code": loinc[0]})
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(result.pk),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": HL7_OBSERVATION_CATEGORY,
                        "code": "laboratory",
                        "display": "Laboratory",
                    }
                ]
            }
        ],
        "code": {"coding": coding, "text": label},
        "subject": subject,
        "effectiveDateTime": result.sampled_at.isoformat(),
        "valueQuantity": _quantity(result.value, result.unit),
    }
    reference_range: dict[str, Any] = {}
    if result.reference_low is not None:
        reference_range["low"] = _quantity(result.reference_low, result.unit)
    if result.reference_high is not None:
        reference_range["high"] = _quantity(result.reference_high, result.unit)
    if reference_range:
        resource["referenceRange"] = [reference_range]
    resource |= _notes(f"Laboratory: {result.lab_name}" if result.lab_name else "", result.note)
    return resource


def _symptom_observation(entry: SymptomEntry, subject: dict[str, str]) -> dict[str, Any]:
    label = str(SYMPTOMS.get(entry.symptom, entry.symptom))
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(entry.pk),
        "status": "final",
        "category": [
            {
                "coding": [
                    {"system": HL7_OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                ]
            }
        ],
        "code": {
            "coding": [{"system": SYMPTOM_SYSTEM, "code": entry.symptom, "display": label}],
            "text": label,
        },
        "subject": subject,
        "effectiveDateTime": entry.recorded_at.isoformat(),
        # 0–10 Numeric Rating Scale (DOMAIN.md §6).
        "valueInteger": entry.severity,
    }
    # The red flags the person ticked, one component each.
    components = []
    for tag in entry.red_flags or []:
        tag_label = str(RED_FLAG_TAGS[tag][0]) if tag in RED_FLAG_TAGS else str(tag)
        components.append(
            {
                "code": {
                    "coding": [{"system": RED_FLAG_SYSTEM, "code": str(tag), "display": tag_label}],
                    "text": tag_label,
                },
                "valueBoolean": True,
            }
        )
    if components:
        resource["component"] = components
    resource |= _notes(entry.note)
    return resource


def _intake_observation(intake: FoodIntake, subject: dict[str, str]) -> dict[str, Any]:
    food = f"{intake.food.name}, {_plain(intake.grams)} g"
    pseudo = (
        "Pseudo-B12 food: mostly inactive analogues (the app counts it as 0 absorbed)."
        if intake.food_is_pseudo_b12
        else ""
    )
    return {
        "resourceType": "Observation",
        "id": str(intake.pk),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": OWN_CATEGORY_SYSTEM,
                        "code": "nutrition-intake",
                        "display": "Nutrition intake",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {
                    "system": OWN_OBSERVATION_SYSTEM,
                    "code": "b12-intake",
                    "display": "Vitamin B12 intake",
                }
            ],
            "text": "Vitamin B12 intake",
        },
        "subject": subject,
        "effectiveDateTime": intake.eaten_at.isoformat(),
        "valueQuantity": _micrograms(intake.b12_ug),
        **_notes(food, pseudo, intake.note),
    }
