# What the patient reads, in Deutsch. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Deutsch

# queue
queue-wait = Bitte warten Sie auf Ihren Code.
