# What the patient reads, in English. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = English

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
