# What the patient reads, in Português (Brasil). Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Português (Brasil)

# The emulator's simulated Junction Connect app (/app)
app-page-title = Junction Connect
app-page-enter-code = Digite o código que você recebeu da clínica.
app-page-code-label = Código
app-page-continue = Continuar
app-page-invited = { $team } convida você a compartilhar seus dados de saúde.
app-page-allow-apple-health = Permitir Apple Health
app-page-connected = O Apple Health está conectado. Você já pode devolver o aparelho.
app-page-code-unknown = Este código não é válido. Confira com a equipe da clínica e tente novamente.
app-page-code-used = Este código já foi usado. Peça um novo à clínica.
app-page-code-expired = Este código expirou. Peça um novo à clínica.
app-page-try-again = Tentar novamente
app-page-session-expired = Este acesso não é mais válido. Digite um código novamente.
app-page-language = Idioma
app-page-footer = Emulador do vital-onboard: substitui o app Junction Connect

# The patient-facing view of a web link (the QR code of Vital's Link page)
link-heading = Conecte seus dispositivos
link-scan = Escaneie com a câmera do seu celular para conectar seus dispositivos
link-time-minutes =
    { $minutes ->
        [one] Falta { $minutes } minuto
       *[other] Faltam { $minutes } minutos
    }
link-time-seconds =
    { $seconds ->
        [one] Falta { $seconds } segundo
       *[other] Faltam { $seconds } segundos
    }
link-expired = Este código expirou. Peça um novo à equipe, por favor.
link-idle = Peça à equipe para mostrar o código novamente, por favor.
link-connected-one = { $provider } está conectado. Você já pode devolver o aparelho.
link-connected-many = { $providers } e { $last } estão conectados. Você já pode devolver o aparelho.
link-failed = Não foi possível conectar { $provider }. Devolva o aparelho à equipe, por favor.
link-too-small = Um momento, por favor: a equipe vai mostrar o seu código.
link-too-long = Este link é longo demais para um código QR: a equipe pode enviá-lo para você.

# queue
queue-wait = Aguarde o seu código, por favor.
queue-done = Obrigado. Devolva o aparelho à equipe, por favor.

# app code (the patient-facing view of a Junction Connect app code)
app-code-title = Conecte o Apple Health
app-code-step-install = 1. Escaneie este código com a câmera do seu iPhone e instale o app Junction Connect.
app-code-step-enter = 2. Abra o app, vá em Ajustes (Settings) e digite este código:
app-code-no-spaces = (digite sem espaços)
app-code-step-allow = 3. Permita o acesso ao Apple Health. Pronto!
app-code-time-left = { $minutes ->
    [one] O código vale por mais 1 minuto.
   *[other] O código vale por mais { $minutes } minutos.
}
app-code-expired = Este código expirou. Peça um novo à equipe.
app-code-connected = { $provider } está conectado. Você já pode devolver o aparelho.
app-code-blanked = Peça à equipe para mostrar o código de novo.
