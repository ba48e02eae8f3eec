"""Respondent-facing interface strings in every language we ship, and choosing a language.

Questionnaire text comes from the definition file; these are the words around it (buttons,
error messages, the labels of options the format adds itself). English is the fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}

MESSAGES: dict[str, dict[str, str]] = {
    "yes": {"en": "Yes", "fr": "Oui", "es": "Sí"},
    "no": {"en": "No", "fr": "Non", "es": "No"},
    "dont_know": {"en": "Don't know", "fr": "Je ne sais pas", "es": "No sé"},
    "not_applicable": {"en": "Not applicable", "fr": "Sans objet", "es": "No aplica"},
    "other": {"en": "Other", "fr": "Autre", "es": "Otro"},
    "other_specify": {"en": "Please specify", "fr": "Veuillez préciser", "es": "Especifique"},
    "optional": {"en": "(optional)", "fr": "(facultatif)", "es": "(opcional)"},
    "choose": {"en": "Choose…", "fr": "Choisir…", "es": "Elija…"},
    "rank_position": {"en": "Rank {n}", "fr": "Rang {n}", "es": "Puesto {n}"},
    "total": {"en": "Total", "fr": "Total", "es": "Total"},
    "must_total": {
        "en": "The shares must add up to {total}.",
        "fr": "Les parts doivent totaliser {total}.",
        "es": "Las proporciones deben sumar {total}.",
    },
    "save_continue": {"en": "Save and continue", "fr": "Enregistrer et continuer", "es": "Guardar y continuar"},
    "save_draft": {
        "en": "Save and come back later",
        "fr": "Enregistrer et revenir plus tard",
        "es": "Guardar y volver más tarde",
    },
    "previous": {"en": "Previous page", "fr": "Page précédente", "es": "Página anterior"},
    "check_answers": {"en": "Check your answers", "fr": "Vérifiez vos réponses", "es": "Revise sus respuestas"},
    "change": {"en": "Change", "fr": "Modifier", "es": "Cambiar"},
    "not_answered": {"en": "Not answered", "fr": "Sans réponse", "es": "Sin respuesta"},
    "submit": {"en": "Submit answers", "fr": "Envoyer les réponses", "es": "Enviar respuestas"},
    "submit_note": {
        "en": "Once submitted, your force's answers cannot be changed.",
        "fr": "Une fois envoyées, les réponses de votre organisation ne peuvent plus être modifiées.",
        "es": "Una vez enviadas, las respuestas de su institución no se pueden modificar.",
    },
    "error_summary": {"en": "There is a problem", "fr": "Il y a un problème", "es": "Hay un problema"},
    "saved": {
        "en": "Your answers have been saved.",
        "fr": "Vos réponses ont été enregistrées.",
        "es": "Sus respuestas se han guardado.",
    },
    "conflict": {
        "en": "Someone else at your force saved this questionnaire after you opened this page. "
        "Your entries are shown below and have not been saved yet: check them and save again.",
        "fr": "Une autre personne de votre organisation a enregistré ce questionnaire après "
        "l'ouverture de cette page. Vos saisies ci-dessous ne sont pas encore enregistrées : "
        "vérifiez-les et enregistrez à nouveau.",
        "es": "Otra persona de su institución guardó este cuestionario después de que usted abriera "
        "esta página. Sus datos se muestran abajo y aún no se han guardado: revíselos y "
        "guarde de nuevo.",
    },
    "submitted_title": {"en": "Answers submitted", "fr": "Réponses envoyées", "es": "Respuestas enviadas"},
    "submitted_body": {
        "en": "Thank you. Your force's answers were submitted on {date}.",
        "fr": "Merci. Les réponses de votre organisation ont été envoyées le {date}.",
        "es": "Gracias. Las respuestas de su institución se enviaron el {date}.",
    },
    "autosaved": {"en": "Saved", "fr": "Enregistré", "es": "Guardado"},
    "autosave_conflict": {
        "en": "Not saved: someone else at your force saved this questionnaire. Use a button below to review and save.",
        "fr": "Non enregistré : une autre personne de votre organisation a enregistré ce questionnaire. "
        "Utilisez un bouton ci-dessous pour vérifier et enregistrer.",
        "es": "No guardado: otra persona de su institución guardó este cuestionario. "
        "Use un botón de abajo para revisar y guardar.",
    },
    "autosave_invalid": {"en": "Not saved yet:", "fr": "Pas encore enregistré :", "es": "Aún no guardado:"},
    "autosave_offline": {
        "en": "Not saved: no connection. Your entries are still on this page.",
        "fr": "Non enregistré : pas de connexion. Vos saisies sont toujours sur cette page.",
        "es": "No guardado: sin conexión. Sus datos siguen en esta página.",
    },
    "autosave_expired": {
        "en": "Not saved: your session has ended. Keep this page open, open your personal link in a new tab, "
        "then come back and save.",
        "fr": "Non enregistré : votre session a expiré. Gardez cette page ouverte, ouvrez votre lien personnel "
        "dans un nouvel onglet, puis revenez enregistrer.",
        "es": "No guardado: su sesión ha terminado. Mantenga esta página abierta, abra su enlace personal en "
        "otra pestaña y vuelva para guardar.",
    },
    "or": {"en": "or", "fr": "ou", "es": "o"},
    "start": {"en": "Start", "fr": "Commencer", "es": "Comenzar"},
    "continue": {"en": "Continue", "fr": "Continuer", "es": "Continuar"},
    "progress": {"en": "Page {n} of {total}", "fr": "Page {n} sur {total}", "es": "Página {n} de {total}"},
    "closes": {"en": "Closes on {date}", "fr": "Clôture le {date}", "es": "Cierra el {date}"},
    "language": {"en": "Language", "fr": "Langue", "es": "Idioma"},
    "sections": {"en": "Sections", "fr": "Sections", "es": "Secciones"},
    "status_done": {"en": "Completed", "fr": "Terminé", "es": "Completado"},
    "status_started": {"en": "In progress", "fr": "En cours", "es": "En curso"},
    "status_todo": {"en": "Not started", "fr": "Pas commencé", "es": "Sin empezar"},
    "privacy": {
        "en": "How your answers are used",
        "fr": "Utilisation de vos réponses",
        "es": "Cómo se usan sus respuestas",
    },
    "answering_for": {"en": "Answering for {force}", "fr": "Réponse pour {force}", "es": "Respondiendo por {force}"},
    # answer checks
    "required": {"en": "Answer this question.", "fr": "Répondez à cette question.", "es": "Responda a esta pregunta."},
    "not_a_number": {
        "en": "Enter a number, like 12 or 3.5.",
        "fr": "Saisissez un nombre, par exemple 12 ou 3,5.",
        "es": "Introduzca un número, por ejemplo 12 o 3,5.",
    },
    "not_whole": {
        "en": "Enter a whole number.",
        "fr": "Saisissez un nombre entier.",
        "es": "Introduzca un número entero.",
    },
    "too_small": {
        "en": "Enter a number of {min} or more.",
        "fr": "Saisissez un nombre d'au moins {min}.",
        "es": "Introduzca un número igual o mayor que {min}.",
    },
    "too_large": {
        "en": "Enter a number of {max} or less.",
        "fr": "Saisissez un nombre inférieur ou égal à {max}.",
        "es": "Introduzca un número igual o menor que {max}.",
    },
    "bad_choice": {
        "en": "Choose one of the options listed.",
        "fr": "Choisissez l'une des options proposées.",
        "es": "Elija una de las opciones de la lista.",
    },
    "exclusive": {
        "en": '"{option}" cannot be combined with other answers.',
        "fr": "« {option} » ne peut pas être combiné avec d'autres réponses.",
        "es": "«{option}» no se puede combinar con otras respuestas.",
    },
    "other_missing": {
        "en": "Say what the other answer is.",
        "fr": "Précisez l'autre réponse.",
        "es": "Indique cuál es la otra respuesta.",
    },
    "too_long": {
        "en": "Use {max} characters or fewer.",
        "fr": "Utilisez {max} caractères au plus.",
        "es": "Use {max} caracteres como máximo.",
    },
    "bad_date": {"en": "Enter a real date.", "fr": "Saisissez une date valide.", "es": "Introduzca una fecha válida."},
    "date_too_early": {
        "en": "Enter a date on or after {min}.",
        "fr": "Saisissez une date égale ou postérieure au {min}.",
        "es": "Introduzca una fecha igual o posterior al {min}.",
    },
    "date_too_late": {
        "en": "Enter a date on or before {max}.",
        "fr": "Saisissez une date égale ou antérieure au {max}.",
        "es": "Introduzca una fecha igual o anterior al {max}.",
    },
    "share_range": {
        "en": "Each share must be a number from 0 to {total}.",
        "fr": "Chaque part doit être un nombre de 0 à {total}.",
        "es": "Cada proporción debe ser un número de 0 a {total}.",
    },
    "rank_duplicate": {
        "en": "Each item can only be given one rank.",
        "fr": "Chaque élément ne peut avoir qu'un seul rang.",
        "es": "Cada elemento solo puede tener un puesto.",
    },
    "rank_incomplete": {
        "en": "Fill the ranks in order, from rank 1, without gaps.",
        "fr": "Remplissez les rangs dans l'ordre, à partir du rang 1, sans trou.",
        "es": "Complete los puestos en orden, desde el puesto 1, sin huecos.",
    },
    "rank_all": {"en": "Rank {n} items.", "fr": "Classez {n} éléments.", "es": "Clasifique {n} elementos."},
    "matrix_row": {"en": "Answer for every row.", "fr": "Répondez pour chaque ligne.", "es": "Responda en cada fila."},
    "constraint": {
        "en": "This answer is not accepted.",
        "fr": "Cette réponse n'est pas acceptée.",
        "es": "Esta respuesta no se acepta.",
    },
}


def t(key: str, language: str, **values: object) -> str:
    """The interface string `key` in `language` (English when missing), filled in."""
    entry = MESSAGES[key]
    text = entry.get(language) or entry["en"]
    return text.format(**values) if values else text


def pick(text: Mapping[str, str], language: str, default_language: str = "en") -> str:
    """A questionnaire string in `language`, falling back to the definition's default language."""
    if not text:
        return ""
    return text.get(language) or text.get(default_language) or next(iter(text.values()))


def negotiate(accept_language: str | None, available: Iterable[str], default: str) -> str:
    """The best of `available` for an Accept-Language header (q-values honoured)."""
    options = list(available)
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for p in pieces[1:]:
            if p.strip().startswith("q="):
                try:
                    quality = float(p.strip()[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, tag))
    for _, _, tag in sorted(ranked):
        for candidate in (tag, tag.split("-")[0]):
            if candidate in options:
                return candidate
    return default
