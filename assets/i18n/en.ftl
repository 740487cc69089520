# What the patient reads, in English. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = English

# The emulator's simulated Junction Connect app (/app)
app-page-title = Junction Connect
app-page-enter-code = Enter the code the clinic gave you.
app-page-code-label = Code
app-page-continue = Continue
app-page-invited = { $team } invites you to share your health data.
app-page-allow-apple-health = Allow Apple Health
app-page-connected = Apple Health is connected. You can hand the device back.
app-page-code-unknown = This code is not valid. Check it with the clinic staff and try again.
app-page-code-used = This code was already used. Ask the clinic for a new one.
app-page-code-expired = This code has expired. Ask the clinic for a new one.
app-page-try-again = Try again
app-page-session-expired = This sign-in is no longer valid. Enter a code again.
app-page-language = Language
app-page-footer = vital-onboard emulator: a stand-in for the Junction Connect app

# The patient-facing view of a web link (the QR code of Vital's Link page)
link-heading = Connect your devices
link-scan = Scan with your phone camera to connect your devices
link-time-minutes =
    { $minutes ->
        [one] { $minutes } minute left
       *[other] { $minutes } minutes left
    }
link-time-seconds =
    { $seconds ->
        [one] { $seconds } second left
       *[other] { $seconds } seconds left
    }
link-expired = This code has expired. Please ask the staff for a new one.
link-idle = Please ask the staff to show the code again.
link-connected-one = { $provider } is connected. You can hand the device back.
link-connected-many = { $providers } and { $last } are connected. You can hand the device back.
link-failed = { $provider } could not be connected. Please hand the device back to the staff.
link-too-small = One moment, please: the staff will show your code.
link-too-long = This link is too long for a QR code: the staff can send it to you instead.

# queue
queue-wait = Please wait for your code.
queue-done = Thank you. Please hand the device back to the staff.

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
