# What the patient reads, in Español. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Español

# The emulator's simulated Junction Connect app (/app)
app-page-title = Junction Connect
app-page-enter-code = Introduzca el código que le dieron en la clínica.
app-page-code-label = Código
app-page-continue = Continuar
app-page-invited = { $team } le invita a compartir sus datos de salud.
app-page-allow-apple-health = Permitir Apple Health
app-page-connected = Apple Health está conectado. Ya puede devolver el dispositivo.
app-page-code-unknown = Este código no es válido. Compruébelo con el personal de la clínica e inténtelo de nuevo.
app-page-code-used = Este código ya se ha usado. Pida uno nuevo en la clínica.
app-page-code-expired = Este código ha caducado. Pida uno nuevo en la clínica.
app-page-try-again = Intentarlo de nuevo
app-page-session-expired = Este inicio de sesión ya no es válido. Vuelva a introducir un código.
app-page-language = Idioma
app-page-footer = Emulador de vital-onboard: sustituye a la app Junction Connect

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

# queue
queue-wait = Espere su código, por favor.
queue-done = Gracias. Devuelva el dispositivo al personal, por favor.

# app code (the patient-facing view of a Junction Connect app code)
app-code-title = Conecte Apple Health
app-code-step-install = 1. Escanee este código con la cámara de su iPhone e instale la aplicación Junction Connect.
app-code-step-enter = 2. Abra la aplicación, vaya a Ajustes (Settings) e introduzca este código:
app-code-no-spaces = (escríbalo sin espacios)
app-code-step-allow = 3. Permita el acceso a Apple Health. Eso es todo.
app-code-time-left = { $minutes ->
    [one] El código sirve durante 1 minuto más.
   *[other] El código sirve durante { $minutes } minutos más.
}
app-code-expired = Este código ha caducado. Pida uno nuevo al personal.
app-code-connected = { $provider } está conectado. Ya puede devolver el dispositivo.
app-code-blanked = Pida al personal que le muestre el código de nuevo.
