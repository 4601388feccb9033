"""Services: plain functions and classes that know nothing of HTTP."""
