# What the patient reads, in Français. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Français

# app code (the patient-facing view of a Junction Connect app code)
app-code-title = Connectez Apple Health
app-code-step-install = 1. Scannez ce code avec l'appareil photo de votre iPhone et installez l'application Junction Connect.
app-code-step-enter = 2. Ouvrez l'application, allez dans Réglages (Settings) et saisissez ce code :
app-code-no-spaces = (tapez-le sans espaces)
app-code-step-allow = 3. Autorisez l'accès à Apple Health. C'est tout.
app-code-time-left = { $minutes ->
    [one] Le code reste valable encore 1 minute.
   *[other] Le code reste valable encore { $minutes } minutes.
}
app-code-expired = Ce code a expiré. Demandez-en un nouveau au personnel.
app-code-connected = { $provider } est connecté. Vous pouvez rendre l'appareil.
app-code-blanked = Demandez au personnel de vous montrer le code à nouveau.
