# What the patient reads, in Français. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Français

# The emulator's simulated Junction Connect app (/app)
app-page-title = Junction Connect
app-page-enter-code = Saisissez le code que la clinique vous a donné.
app-page-code-label = Code
app-page-continue = Continuer
app-page-invited = { $team } vous invite à partager vos données de santé.
app-page-allow-apple-health = Autoriser Apple Health
app-page-connected = Apple Health est connecté. Vous pouvez rendre l’appareil.
app-page-code-unknown = Ce code n’est pas valide. Vérifiez-le auprès du personnel de la clinique, puis réessayez.
app-page-code-used = Ce code a déjà été utilisé. Demandez-en un nouveau à la clinique.
app-page-code-expired = Ce code a expiré. Demandez-en un nouveau à la clinique.
app-page-try-again = Réessayer
app-page-session-expired = Cette connexion n’est plus valide. Saisissez à nouveau un code.
app-page-language = Langue
app-page-footer = Émulateur vital-onboard : il remplace l’application Junction Connect
