# What the patient reads, in Español. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Español

# The patient-facing view of a web link (the QR code of Vital's Link page)
link-heading = Conecte sus dispositivos
link-scan = Escanee con la cámara de su teléfono para conectar sus dispositivos
link-time-minutes =
    { $minutes ->
        [one] Queda { $minutes } minuto
       *[other] Quedan { $minutes } minutos
    }
link-time-seconds =
    { $seconds ->
        [one] Queda { $seconds } segundo
       *[other] Quedan { $seconds } segundos
    }
link-expired = Este código ha caducado. Pida uno nuevo al personal, por favor.
link-idle = Pida al personal que vuelva a mostrar el código, por favor.
link-connected-one = { $provider } está conectado. Ya puede devolver el dispositivo.
link-connected-many = { $providers } y { $last } están conectados. Ya puede devolver el dispositivo.
link-failed = No se pudo conectar { $provider }. Devuelva el dispositivo al personal, por favor.
link-too-small = Un momento, por favor: el personal le mostrará su código.
link-too-long = Este enlace es demasiado largo para un código QR: el personal se lo puede enviar.
