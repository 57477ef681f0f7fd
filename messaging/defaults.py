"""The texts every kind of message starts with, in English, Telugu and Hindi. A data
migration seeds them as MessageTemplate rows (edited in the admin afterwards); they are
also what is sent when no active template exists at all."""

from messaging.models import Message

Purpose = Message.Purpose

TEXTS: dict[str, dict[str, str]] = {
    Purpose.DELIVERY_SUMMARY: {
        "en": "Hello {name}, your {shift} delivery of {date}: {status}.\n{items}\n– {business}",
        "te": "నమస్కారం {name} గారు, {date} {shift} డెలివరీ: {status}.\n{items}\n– {business}",
        "hi": "नमस्ते {name} जी, {date} की {shift} डिलीवरी: {status}।\n{items}\n– {business}",
    },
    Purpose.BILL_ISSUED: {
        "en": (
            "Hello {name},\n"
            "your {business} bill for {month} is ready.\n"
            "Bill number: {bill_code}\n"
            "Amount due: {amount_due}\n"
            "Please pay by: {due_date}\n"
            "Pay by UPI: {upi_link}\n"
            "Thank you!"
        ),
        "te": (
            "నమస్కారం {name} గారు,\n"
            "{month} నెలకు మీ {business} బిల్లు సిద్ధంగా ఉంది.\n"
            "బిల్లు నంబరు: {bill_code}\n"
            "చెల్లించవలసిన మొత్తం: {amount_due}\n"
            "చెల్లించడానికి చివరి తేదీ: {due_date}\n"
            "UPI ద్వారా చెల్లించండి: {upi_link}\n"
            "ధన్యవాదాలు!"
        ),
        "hi": (
            "नमस्ते {name} जी,\n"
            "{month} का आपका {business} बिल तैयार है।\n"
            "बिल नंबर: {bill_code}\n"
            "देय राशि: {amount_due}\n"
            "भुगतान की अंतिम तिथि: {due_date}\n"
            "UPI से भुगतान करें: {upi_link}\n"
            "धन्यवाद!"
        ),
    },
    Purpose.PAYMENT_RECEIVED: {
        "en": (
            "Hello {name}, we received your payment of {amount} on {paid_on} "
            "({method}, receipt {payment_code}).\n"
            "Your balance now: {balance}\n"
            "Thank you! – {business}"
        ),
        "te": (
            "నమస్కారం {name} గారు, {paid_on} న మీరు చెల్లించిన {amount} "
            "({method}, రసీదు {payment_code}) మాకు అందింది.\n"
            "ప్రస్తుత బకాయి: {balance}\n"
            "ధన్యవాదాలు! – {business}"
        ),
        "hi": (
            "नमस्ते {name} जी, {paid_on} को आपका {amount} का भुगतान "
            "({method}, रसीद {payment_code}) हमें मिल गया है।\n"
            "अब आपकी बकाया राशि: {balance}\n"
            "धन्यवाद! – {business}"
        ),
    },
    Purpose.OVERDUE_REMINDER: {
        "en": (
            "Hello {name}, a reminder: {amount_due} is still due on your {business} bill "
            "{bill_code} for {month} (due on {due_date}).\n"
            "Pay by UPI: {upi_link}\n"
            "Please ignore this if you have already paid. Thank you!"
        ),
        "te": (
            "నమస్కారం {name} గారు, గుర్తు చేస్తున్నాం: {month} నెల మీ {business} బిల్లు "
            "{bill_code} పై {amount_due} ఇంకా చెల్లించవలసి ఉంది (చివరి తేదీ {due_date}).\n"
            "UPI ద్వారా చెల్లించండి: {upi_link}\n"
            "ఇప్పటికే చెల్లించి ఉంటే దయచేసి ఈ సందేశాన్ని పట్టించుకోకండి. ధన్యవాదాలు!"
        ),
        "hi": (
            "नमस्ते {name} जी, याद दिला रहे हैं: {month} के आपके {business} बिल {bill_code} "
            "पर {amount_due} अभी बाकी है (अंतिम तिथि {due_date})।\n"
            "UPI से भुगतान करें: {upi_link}\n"
            "अगर आप भुगतान कर चुके हैं तो कृपया इस संदेश को अनदेखा करें। धन्यवाद!"
        ),
    },
    Purpose.PAUSE_CONFIRMED: {
        "en": (
            "Hello {name}, as you asked, there will be no delivery of {products}: {days}. "
            "– {business}"
        ),
        "te": ("నమస్కారం {name} గారు, మీరు కోరినట్లుగా {days} {products} డెలివరీ ఉండదు. – {business}"),
        "hi": ("नमस्ते {name} जी, आपके कहे अनुसार {days} {products} की डिलीवरी नहीं होगी। – {business}"),
    },
    Purpose.WALLET_RECHARGED: {
        "en": (
            "Hello {name}, your wallet is recharged with {amount} on {paid_on} "
            "({method}, receipt {payment_code}).\n"
            "Wallet balance now: {wallet_balance}\n"
            "Thank you! – {business}"
        ),
        "te": (
            "నమస్కారం {name} గారు, {paid_on} న మీ వాలెట్‌లో {amount} జమ అయింది "
            "({method}, రసీదు {payment_code}).\n"
            "ప్రస్తుత వాలెట్ బ్యాలెన్స్: {wallet_balance}\n"
            "ధన్యవాదాలు! – {business}"
        ),
        "hi": (
            "नमस्ते {name} जी, {paid_on} को आपके वॉलेट में {amount} जमा हो गए "
            "({method}, रसीद {payment_code})।\n"
            "अब वॉलेट बैलेंस: {wallet_balance}\n"
            "धन्यवाद! – {business}"
        ),
    },
    Purpose.PAUSED_LOW_BALANCE: {
        "en": (
            "Hello {name}, your wallet balance ({wallet_balance}) is not enough for the "
            "{needed} of your delivery on {date}, so it is paused. Recharge your wallet "
            "and deliveries resume from the next day. – {business}"
        ),
        "te": (
            "నమస్కారం {name} గారు, మీ వాలెట్ బ్యాలెన్స్ ({wallet_balance}) {date} నాటి "
            "డెలివరీకి కావలసిన {needed} కు సరిపోదు, అందువల్ల డెలివరీ ఆపబడింది. వాలెట్ "
            "రీఛార్జ్ చేస్తే తరువాతి రోజు నుండి డెలివరీ మళ్ళీ మొదలవుతుంది. – {business}"
        ),
        "hi": (
            "नमस्ते {name} जी, आपका वॉलेट बैलेंस ({wallet_balance}) {date} की डिलीवरी के "
            "{needed} के लिए काफ़ी नहीं है, इसलिए डिलीवरी रोकी गई है। वॉलेट रिचार्ज करें, "
            "अगले दिन से डिलीवरी फिर शुरू होगी। – {business}"
        ),
    },
    Purpose.ALERT: {
        "en": "{business} alert: {text}",
        "te": "{business} హెచ్చరిక: {text}",
        "hi": "{business} चेतावनी: {text}",
    },
}


def seed(template_model, switch_model) -> None:
    """Add the default text for every kind and language that has no template yet, and an
    "on" switch for every kind without one. The data migration passes its historical
    models; the test suite calls it again after a flush (conftest.py)."""
    have = set(template_model.objects.values_list("purpose", "language"))
    template_model.objects.bulk_create(
        template_model(purpose=purpose, language=language, text=text)
        for purpose, texts in TEXTS.items()
        for language, text in texts.items()
        if (purpose, language) not in have
    )
    switched = set(switch_model.objects.values_list("purpose", flat=True))
    switch_model.objects.bulk_create(
        switch_model(purpose=purpose) for purpose in Purpose.values if purpose not in switched
    )


def unseed(template_model, switch_model) -> None:
    """Remove the seeded texts nobody changed, and every switch."""
    for purpose, texts in TEXTS.items():
        for language, text in texts.items():
            template_model.objects.filter(purpose=purpose, language=language, text=text).delete()
    switch_model.objects.all().delete()
