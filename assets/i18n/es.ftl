# What the patient reads, in Español. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Español

# queue
queue-wait = Espere su código, por favor.
