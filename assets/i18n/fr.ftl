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

# The patient-facing view of a web link (the QR code of Vital's Link page)
link-heading = Connectez vos appareils
link-scan = Scannez avec l’appareil photo de votre téléphone pour connecter vos appareils
link-time-minutes =
    { $minutes ->
        [one] Il reste { $minutes } minute
       *[other] Il reste { $minutes } minutes
    }
link-time-seconds =
    { $seconds ->
        [one] Il reste { $seconds } seconde
       *[other] Il reste { $seconds } secondes
    }
link-expired = Ce code a expiré. Veuillez en demander un nouveau au personnel.
link-idle = Veuillez demander au personnel d’afficher à nouveau le code.
link-connected-one = { $provider } est connecté. Vous pouvez rendre l’appareil.
link-connected-many = { $providers } et { $last } sont connectés. Vous pouvez rendre l’appareil.
link-failed = { $provider } n’a pas pu être connecté. Veuillez rendre l’appareil au personnel.
link-too-small = Un instant, s’il vous plaît. Le personnel va vous montrer votre code.
link-too-long = Ce lien est trop long pour un code QR. Le personnel peut vous l’envoyer autrement.

# queue
queue-wait = Veuillez patienter, votre code va s’afficher.
queue-done = Merci. Veuillez rendre l’appareil au personnel.

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
