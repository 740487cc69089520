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
