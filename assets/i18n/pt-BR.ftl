# What the patient reads, in Português (Brasil). Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Português (Brasil)

# queue
queue-wait = Aguarde o seu código, por favor.
