import factory

from deliveries.services import create_delivery_boy


class DeliveryBoyFactory(factory.Factory):
    class Meta:
        model = dict

    name = factory.Faker("first_name", locale="en_IN")
    phone = factory.Sequence(lambda n: f"8{n:09d}")
    password = "deliver-2026"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return create_delivery_boy(**kwargs)
