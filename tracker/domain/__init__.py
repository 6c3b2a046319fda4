"""Pure domain rules: plain functions and constants, no ORM, no HTTP."""
