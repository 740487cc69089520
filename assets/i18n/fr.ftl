# What the patient reads, in Français. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Français

# queue
queue-wait = Veuillez patienter, votre code va s’afficher.
