# What the patient reads, in Deutsch. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Deutsch

# The patient-facing view of a web link (the QR code of Vital's Link page)
link-heading = Verbinden Sie Ihre Geräte
link-scan = Scannen Sie den Code mit der Kamera Ihres Smartphones, um Ihre Geräte zu verbinden
link-time-minutes =
    { $minutes ->
        [one] Noch { $minutes } Minute
       *[other] Noch { $minutes } Minuten
    }
link-time-seconds =
    { $seconds ->
        [one] Noch { $seconds } Sekunde
       *[other] Noch { $seconds } Sekunden
    }
link-expired = Dieser Code ist abgelaufen. Bitte fragen Sie das Personal nach einem neuen.
link-idle = Bitte lassen Sie sich den Code vom Personal erneut zeigen.
link-connected-one = { $provider } ist verbunden. Sie können das Gerät jetzt zurückgeben.
link-connected-many = { $providers } und { $last } sind verbunden. Sie können das Gerät jetzt zurückgeben.
link-failed = { $provider } konnte nicht verbunden werden. Bitte geben Sie das Gerät dem Personal zurück.
link-too-small = Einen Moment bitte: Das Personal zeigt Ihnen gleich Ihren Code.
link-too-long = Dieser Link ist zu lang für einen QR-Code: Das Personal kann ihn Ihnen stattdessen schicken.
