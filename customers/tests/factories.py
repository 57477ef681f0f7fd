import factory
from django.contrib.auth import get_user_model

from customers.models import Area, Customer
from customers.services import CustomerDetails, create_customer

User = get_user_model()


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Area {n}")
    city = "Hyderabad"


_phones = factory.Sequence(lambda n: f"9{n:09d}")


class CustomerFactory(factory.Factory):
    """Customers are made through create_customer, so each has its login."""

    class Meta:
        model = CustomerDetails

    name = factory.Faker("name", locale="en_IN")
    phone = factory.Sequence(lambda n: f"9{n:09d}")
    status = Customer.Status.ACTIVE
    area = factory.SubFactory(AreaFactory)
    address = factory.Faker("street_address", locale="en_IN")

    @classmethod
    def _create(cls, model_class, *args, password=None, **kwargs):
        return create_customer(details=CustomerDetails(**kwargs), password=password)

    @classmethod
    def _build(cls, model_class, *args, password=None, **kwargs):
        return CustomerDetails(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "s3cret-pass")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        if create:
            if extracted:
                self.groups.add(*Group.objects.filter(name__in=extracted))
            self.save()  # keeps the password set above
