# What the patient reads, in Deutsch. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Deutsch

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
