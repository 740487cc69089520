# What the patient reads, in Português (Brasil). Every message is in every language with the same
# placeables (a test checks). Numbers pick their plural form.

language-name = Português (Brasil)

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
