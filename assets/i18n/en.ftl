# What the patient reads, in English. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = English

# app code (the patient-facing view of a Junction Connect app code)
app-code-title = Connect Apple Health
app-code-step-install = 1. Scan this code with your iPhone's camera and install the Junction Connect app.
app-code-step-enter = 2. Open the app, go to Settings and enter this code:
app-code-no-spaces = (type it without spaces)
app-code-step-allow = 3. Allow access to Apple Health. That's all.
app-code-time-left = { $minutes ->
    [one] The code works for 1 more minute.
   *[other] The code works for { $minutes } more minutes.
}
app-code-expired = This code has expired. Please ask the staff for a new one.
app-code-connected = { $provider } is connected. You can hand the device back.
app-code-blanked = Please ask the staff to show the code again.
