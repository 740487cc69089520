# What the patient reads, in Português (Brasil). Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Português (Brasil)

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
