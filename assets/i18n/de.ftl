# What the patient reads, in Deutsch. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Deutsch

# The emulator's simulated Junction Connect app (/app)
app-page-title = Junction Connect
app-page-enter-code = Geben Sie den Code ein, den Sie von der Praxis erhalten haben.
app-page-code-label = Code
app-page-continue = Weiter
app-page-invited = { $team } lädt Sie ein, Ihre Gesundheitsdaten zu teilen.
app-page-allow-apple-health = Apple Health erlauben
app-page-connected = Apple Health ist verbunden. Sie können das Gerät jetzt zurückgeben.
app-page-code-unknown = Dieser Code ist ungültig. Prüfen Sie ihn mit dem Praxisteam und versuchen Sie es erneut.
app-page-code-used = Dieser Code wurde bereits verwendet. Bitten Sie die Praxis um einen neuen.
app-page-code-expired = Dieser Code ist abgelaufen. Bitten Sie die Praxis um einen neuen.
app-page-try-again = Erneut versuchen
app-page-session-expired = Diese Anmeldung ist nicht mehr gültig. Geben Sie erneut einen Code ein.
app-page-language = Sprache
app-page-footer = vital-onboard-Emulator: ein Ersatz für die Junction-Connect-App

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

# queue
queue-wait = Bitte warten Sie auf Ihren Code.
queue-done = Vielen Dank. Bitte geben Sie das Gerät dem Personal zurück.

# app code (the patient-facing view of a Junction Connect app code)
app-code-title = Apple Health verbinden
app-code-step-install = 1. Scannen Sie diesen Code mit der Kamera Ihres iPhones und installieren Sie die App Junction Connect.
app-code-step-enter = 2. Öffnen Sie die App, gehen Sie zu Einstellungen (Settings) und geben Sie diesen Code ein:
app-code-no-spaces = (ohne Leerzeichen eingeben)
app-code-step-allow = 3. Erlauben Sie den Zugriff auf Apple Health. Das ist alles.
app-code-time-left = { $minutes ->
    [one] Der Code gilt noch 1 Minute.
   *[other] Der Code gilt noch { $minutes } Minuten.
}
app-code-expired = Dieser Code ist abgelaufen. Bitte fragen Sie das Personal nach einem neuen.
app-code-connected = { $provider } ist verbunden. Sie können das Gerät zurückgeben.
app-code-blanked = Bitte lassen Sie sich den Code vom Personal erneut zeigen.
