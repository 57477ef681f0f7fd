"""The API's plumbing in earlybird.api: the exception handler's error answers. (Logging
in to the API, its authentication and its schema: web/tests/test_api.py.)"""

from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory

from earlybird.api import exception_handler


class TestTheExceptionHandler:
    def handle(self, exc):
        request = APIRequestFactory().get("/")
        return exception_handler(exc, {"request": request, "view": None})

    def test_a_field_error_is_a_400_naming_the_field(self):
        response = self.handle(ValidationError({"phone": "Not a phone number."}))
        assert response.status_code == 400
        assert response.data == {"phone": ["Not a phone number."]}

    def test_a_model_wide_error_goes_under_non_field_errors(self):
        response = self.handle(ValidationError({"__all__": ["Dates overlap."]}))
        assert response.data == {"non_field_errors": ["Dates overlap."]}

    def test_an_error_without_a_field_goes_under_non_field_errors(self):
        response = self.handle(ValidationError("Too late for tomorrow."))
        assert response.status_code == 400
        assert response.data == {"non_field_errors": ["Too late for tomorrow."]}
