# What the patient reads, in Español. Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Español

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
