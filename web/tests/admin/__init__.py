"""The Django admin: it writes through the services, renders every page, stays cheap."""

PASSWORD = "Fresh-Milk-At-6am"
