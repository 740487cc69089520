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
