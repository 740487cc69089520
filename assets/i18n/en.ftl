# What the patient reads, in English. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = English

# queue
queue-wait = Please wait for your code.
