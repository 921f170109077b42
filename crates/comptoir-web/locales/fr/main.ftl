# L’interface de Comptoir en français. Chaque clé doit aussi figurer dans en/main.ftl.

skip-to-content = Aller au contenu
nav-label = Principal
nav-home = Accueil
nav-contacts = Contacts
nav-companies = Entreprises
nav-settings = Réglages
search-label = Rechercher
search-placeholder = Chercher un contact, une entreprise, une affaire (/)
search-hint = Appuyez sur / ou Ctrl+K pour chercher depuis n’importe quelle page ; Entrée ouvre le premier résultat.
sign-out = Se déconnecter
back-home = Retour à l’accueil
yes = Oui
no = Non
save = Enregistrer
cancel = Annuler
edit = Modifier
delete = Supprimer
delete-confirm = Supprimer cette fiche ? C’est définitif.
details = Informations
results = Résultats
empty-value = vide
form-has-errors = Certains champs sont à corriger : voyez le message sous chacun d’eux.

sign-in-title = Connexion
sign-in = Se connecter
remember-me = Rester connecté 30 jours
sign-in-wrong = E-mail ou mot de passe incorrect.
sign-in-locked = { $count ->
    [one] Trop de tentatives échouées. Réessayez dans une minute.
   *[other] Trop de tentatives échouées. Réessayez dans { $count } minutes.
}
setup-title = Créer le premier administrateur
setup-intro = Ce Comptoir n’a pas encore d’utilisateur. Le compte créé maintenant pourra tout gérer, y compris les autres utilisateurs.
setup-submit = Créer et se connecter
password-hint = Au moins 12 caractères.

error-bad-request-title = Requête incomprise
error-bad-request-detail = La requête n’a pas pu être lue. Revenez en arrière et réessayez.
error-forgery-title = Requête refusée
error-forgery-detail = Ce formulaire ne vient pas de cette page ou il a expiré. Revenez en arrière, rechargez la page et réessayez.
error-not-found-title = Introuvable
error-not-found-detail = Cette page ou cette fiche n’existe pas, ou vous n’y avez pas accès.
error-forbidden-title = Action non autorisée
error-forbidden-detail = Votre rôle ne permet pas cette action.
error-conflict-title = Modifiée entre-temps
error-conflict-detail = Quelqu’un a modifié cette fiche pendant que vous la modifiiez. Rechargez-la et refaites votre modification.
error-internal-title = Une erreur est survenue
error-internal-detail = L’erreur a été consignée. Réessayez dans un instant.

home-title = Accueil
home-greeting = Bonjour { $name }
home-tasks = Mes tâches du jour
home-no-tasks = Rien de prévu aujourd’hui.
home-recent = Consultés récemment
home-no-recent = Les fiches que vous ouvrez apparaîtront ici.
home-activity = Dernières activités sur mes contacts
home-no-activity = Aucune activité sur vos contacts pour l’instant.
kind-contact = contact
kind-company = entreprise

contacts-title = Contacts
contact-new = Nouveau contact
contact-edit = Modifier { $name }
contact-edit-title = Modifier le contact
companies-title = Entreprises
company-new = Nouvelle entreprise
company-edit = Modifier { $name }
company-edit-title = Modifier l’entreprise
company-contacts = Contacts
company-add-contact = Ajouter un contact
company-no-contacts = Aucun contact dans cette entreprise pour l’instant.

field-first-name = Prénom
field-last-name = Nom
field-email = E-mail
field-emails = E-mails
field-phones = Téléphones
field-password = Mot de passe
field-display-name = Nom
field-job-title = Fonction
field-company = Entreprise
field-owner = Responsable
field-tags = Étiquettes
field-street = Rue
field-postal-code = Code postal
field-city = Ville
field-country = Pays (FR, BE…)
field-language = Langue (fr, en…)
field-source = Origine
field-name = Raison sociale
field-domain = Domaine
field-website = Site web
field-industry = Secteur
field-siren = SIREN
field-siret = SIRET
field-vat-number = N° de TVA
field-subject = Objet
field-body = Texte
field-direction = Sens
field-outcome = Résultat
field-duration-minutes = Durée (minutes)
field-due-date = Échéance
field-assignee = Attribuée à
field-when = Quand
when-hint = Vide = maintenant.
one-per-line = Un par ligne ; le premier est le principal.
comma-separated = Séparées par des virgules.
currency-hint = Un montant et une devise, par exemple 1234,50 EUR.

stage = Étape
stage-subscriber = Abonné
stage-lead = Piste
stage-marketing_qualified = Qualifié marketing
stage-sales_qualified = Qualifié commercial
stage-opportunity = Opportunité
stage-customer = Client
stage-evangelist = Ambassadeur
stage-other = Autre
size = Effectif
size-1-9 = 1 à 9 salariés
size-10-49 = 10 à 49 salariés
size-50-249 = 50 à 249 salariés
size-250-4999 = 250 à 4 999 salariés
size-5000-plus = 5 000 salariés et plus
relationship = Relation
relationship-prospect = Prospect
relationship-customer = Client
relationship-partner = Partenaire
relationship-supplier = Fournisseur
relationship-reseller = Revendeur
relationship-other = Autre

col-name = Nom
col-first-name = Prénom
col-last-name = Nom
col-email = E-mail
col-phone = Téléphone
col-job-title = Fonction
col-company-name = Entreprise
col-city = Ville
col-postal-code = Code postal
col-country = Pays
col-lifecycle-stage = Étape
col-owner-id = Responsable
col-tags = Étiquettes
col-source = Origine
col-language = Langue
col-created-at = Créé le
col-updated-at = Modifié le
col-last-activity-at = Dernière activité
col-domain = Domaine
col-website = Site web
col-industry = Secteur
col-size-band = Effectif
col-siren = SIREN
col-relationship-type = Relation

list-search-placeholder = Nom, e-mail, téléphone…
filters = Filtres
filter-field = Champ
filter-any-field = Choisir un champ…
filter-operator = Condition
filter-value = Valeur
filters-apply = Appliquer
filters-clear = Effacer
op-eq = est
op-ne = n’est pas
op-lt = est inférieur à
op-lte = est au plus
op-gt = est supérieur à
op-gte = est au moins
op-contains = contient
op-starts-with = commence par
op-in = est parmi
op-is-empty = est vide
op-is-not-empty = n’est pas vide
op-on = le
op-since = depuis le
op-before = avant le
op-this-month = ce mois-ci
op-last-30-days = ces 30 derniers jours
op-has = comprend
op-has-not = ne comprend pas
filter-me = Moi
filter-refused = { $field } : { $message }
filter-needs-value = { $field } : indiquez la valeur cherchée.
filter-not-a-number = { $field } : « { $value } » n’est pas un nombre.
filter-not-yes-no = { $field } : répondez oui ou non.
filter-not-a-date = { $field } : « { $value } » n’est pas une date (par exemple 31/01/2026).
filter-not-a-choice = { $field } : « { $value } » ne fait pas partie des valeurs possibles ({ $choices }).
filter-no-such-user = { $field } : aucun collègue ne s’appelle « { $value } ».
filter-several-users = { $field } : plusieurs collègues répondent à « { $value } » ; choisissez dans la liste.
filter-unknown-condition = { $field } : choisissez une condition dans la liste.
contact-mine = Mes contacts
company-mine = Mes entreprises
country-FR = France
country-BE = Belgique
country-CH = Suisse
country-LU = Luxembourg
country-MC = Monaco
country-DE = Allemagne
country-ES = Espagne
country-IT = Italie
country-PT = Portugal
country-NL = Pays-Bas
country-AT = Autriche
country-GB = Royaume-Uni
country-IE = Irlande
country-US = États-Unis
country-CA = Canada
country-MA = Maroc
country-TN = Tunisie
country-DZ = Algérie
country-SN = Sénégal
country-CI = Côte d’Ivoire
language-fr = français
language-en = anglais
language-de = allemand
language-es = espagnol
language-it = italien
language-nl = néerlandais
language-pt = portugais
language-ar = arabe
columns = Colonnes
columns-legend = Colonnes à afficher
columns-apply = Afficher ces colonnes
saved-views = Vues enregistrées
view-name = Nom de cette vue
view-save = Enregistrer la vue
view-delete = Supprimer la vue « { $name } »
export-csv = Exporter en CSV
bulk-label = Pour la sélection
bulk-assign = Attribuer à
bulk-tag = Ajouter une étiquette
bulk-untag = Retirer l’étiquette
bulk-delete = Supprimer
bulk-tag-placeholder = Étiquette
bulk-apply = Appliquer
bulk-scope-all = Tous les résultats de la liste, pas seulement les lignes cochées
bulk-none-selected = Cochez au moins une ligne, ou choisissez tous les résultats de la liste.
bulk-delete-all-question = Supprimer toutes les fiches de cette liste ({ $what }) ? C’est définitif.
bulk-delete-title = Supprimer des fiches
bulk-delete-question = { $count ->
    [one] Supprimer cette fiche ? C’est définitif.
   *[other] Supprimer ces { $count } fiches ? C’est définitif.
}
bulk-delete-confirm = Oui, supprimer
bulk-done = { $count ->
    [one] { $shown } fiche modifiée.
   *[other] { $shown } fiches modifiées.
}
bulk-refused = { $count ->
    [one] { $shown } fiche est restée inchangée : vous ne pouvez pas la modifier.
   *[other] { $shown } fiches sont restées inchangées : vous ne pouvez pas les modifier.
}
select-all = Tout sélectionner
select-row = Sélectionner cette ligne
no-results = Aucun résultat.
count-contacts = { $count ->
    [one] { $shown } contact
   *[other] { $shown } contacts
}
count-contacts-more-than = plus de { $shown } contacts
count-contacts-about = environ { $shown } contacts
count-companies = { $count ->
    [one] { $shown } entreprise
   *[other] { $shown } entreprises
}
count-companies-more-than = plus de { $shown } entreprises
count-companies-about = environ { $shown } entreprises
more-results = Afficher la suite
first-page = Revenir à la première page

timeline = Historique
timeline-empty = Rien n’a encore été consigné.
timeline-older = Afficher plus ancien
open-tasks = Tâches ouvertes
no-open-tasks = Aucune tâche ouverte.
composer-title = Consigner une activité
composer-kind = Type
composer-submit = Consigner
kind-note = Note
kind-call = Appel
kind-email = E-mail
kind-meeting = Rendez-vous
kind-task = Tâche
direction-inbound = Entrant
direction-outbound = Sortant
outcome-connected = Joint
outcome-no_answer = Pas de réponse
outcome-left_voicemail = Message laissé
outcome-busy = Occupé
outcome-wrong_number = Faux numéro
duration-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
task-due = échéance le { $date }
task-overdue = en retard depuis le { $date }
task-mark-done = Fait
task-reopen = Rouvrir
tickets = Tickets
consent = Consentement
coming-tickets = Les tickets de support apparaîtront ici.
coming-consent = Les consentements et demandes RGPD apparaîtront ici.

search-title = Recherche
search-results-for = Résultats pour « { $q } »
search-nothing = Aucun contact, aucune entreprise ni aucune affaire ne correspond.
search-contacts = Contacts
search-companies = Entreprises
search-deals = Affaires

settings-title = Réglages
settings-users = Utilisateurs
settings-tokens = Jetons d’API
settings-fields = Champs personnalisés
user-new = Nouvel utilisateur
user-edit = Modifier { $name }
field-role = Rôle
field-active = Actif
field-locale = Langue
role-admin = Administrateur
role-manager = Manager
role-sales = Commercial
role-support = Support
role-readonly = Lecture seule
locale-none = Celle du navigateur
user-inactive = inactif
token-new = Nouveau jeton
token-name = Nom du jeton
token-user = Agit au nom de
token-created = Copiez ce jeton maintenant : il ne sera plus affiché.
token-revoke = Révoquer
token-revoked = révoqué
token-last-used = Dernière utilisation
token-never-used = jamais utilisé
settings-webhooks = Webhooks
webhook-new = Nouveau webhook
webhook-url = Adresse (https://…)
webhook-events = Événements
webhook-events-hint = Séparés par des virgules, comme contact.created, contact.* ou company.updated ; vide pour tous les événements.
webhook-description = Description
webhook-created = Copiez ce secret de signature maintenant : il ne sera plus affiché. Les destinataires vérifient avec lui la signature webhook-signature de chaque message.
webhook-all-events = tous les événements
webhook-active = actif
webhook-disabled = désactivé
webhook-status = État
webhook-deliveries = Envois
webhook-no-deliveries = Rien n’a encore été envoyé.
webhook-send-test = Envoyer un événement de test
webhook-test-queued = Un événement de test est en route ; rechargez pour voir son envoi.
webhook-enable = Activer
webhook-disable = Désactiver
webhook-delete = Supprimer
webhook-event = Événement
webhook-attempts = Tentatives
webhook-answer = Réponse
webhook-latency = Durée
webhook-milliseconds = { $n } ms
webhook-next-attempt = Prochaine tentative
delivery-pending = en attente
delivery-delivered = envoyé
delivery-failed = échec
field-key = Clé (utilisée par l’API)
field-label = Libellé
field-type = Type
field-options = Options
options-hint = Une option par ligne (champs à choix).
field-object-type = Fiches
object-contact = Contacts
object-company = Entreprises
type-text = Texte
type-number = Nombre
type-date = Date
type-bool = Oui/non
type-select = Choix
type-multi_select = Choix multiple
type-currency = Montant
type-url = Adresse web
type-email = E-mail
type-phone = Téléphone
move-up = Monter
move-down = Descendre
fields-empty = Aucun champ personnalisé pour l’instant.
field-new = Nouveau champ personnalisé
created-at = Créé le

reach-call = Appeler le { $number }
reach-write = Écrire un e-mail

nav-tasks = Tâches
nav-tasks-due = { $count ->
    [one] ({ $shown } à faire aujourd’hui ou en retard)
   *[other] ({ $shown } à faire aujourd’hui ou en retard)
}
tasks-title = Mes tâches
tasks-assignee = Confiées à
tasks-everyone = Toute l’équipe
tasks-overdue = En retard
tasks-today = Aujourd’hui
tasks-week = Plus tard cette semaine
tasks-later = Plus tard, ou sans date
tasks-none = Rien ici.
tasks-show-all = Tout afficher
tasks-count = { $count ->
    [one] { $shown } tâche
   *[other] { $shown } tâches
}
tasks-count-more-than = plus de { $shown } tâches
tasks-count-about = environ { $shown } tâches
task-marked-done = Fait : { $subject }
home-more-today = { $count ->
    [one] { $shown } autre aujourd’hui
   *[other] { $shown } autres aujourd’hui
}
home-late = { $count ->
    [one] { $shown } tâche en retard
   *[other] { $shown } tâches en retard
}
home-late-more-than = plus de { $shown } tâches en retard
home-late-about = environ { $shown } tâches en retard

conflict-changed = Quelqu’un d’autre a enregistré cette fiche pendant que vous la modifiiez.
conflict-theirs = Sa valeur : { $value }
conflict-overwrite = Remplacer par la mienne
conflict-keep-theirs = Garder la sienne
request-failed = L’action n’a pas abouti ; rien n’a été modifié.
request-offline = Le serveur est injoignable ; rien n’a été modifié. Vérifiez la connexion et réessayez.

account-title = Mon compte
account-preferences = Langue et fuseau horaire
account-language = Langue
account-language-browser = Celle du navigateur
account-timezone = Fuseau horaire
account-timezone-default = Celui de l’équipe ({ $zone })
account-password = Mot de passe
account-current-password = Mot de passe actuel
account-new-password = Nouveau mot de passe
account-new-password-hint = 12 caractères au moins. Vos autres sessions se ferment.
account-password-change = Changer mon mot de passe
account-saved = Enregistré.
account-password-changed = Votre mot de passe est changé ; vos autres sessions sont fermées.
namesakes-found = Déjà enregistré avec le même e-mail, le même numéro ou le même identifiant :
namesakes-allow = C’est une autre fiche : l’enregistrer quand même
tasks-about = Concernant
tasks-about-any = toutes fiches confondues
tasks-all-of-record = Toutes ses tâches, par échéance

## Sales: deals, the board, pipelines
nav-deals = Affaires
kind-deal = affaire
object-deal = Affaires
deals-title = Affaires
deal-new = Nouvelle affaire
deal-edit = Modifier { $name }
deal-edit-title = Modifier l’affaire
deal-mine = Mes affaires
count-deals = { $count ->
    [one] { $shown } affaire
   *[other] { $shown } affaires
}
count-deals-more-than = plus de { $shown } affaires
count-deals-about = environ { $shown } affaires
field-title = Intitulé
field-amount = Montant
field-currency = Devise (EUR, USD…)
field-expected-close-on = Conclusion prévue
field-probability = Probabilité (%)
col-title = Intitulé
col-pipeline-name = Pipeline
col-stage-name = Étape
col-status = Statut
col-amount = Montant
col-currency = Devise
col-probability = Probabilité
col-expected-close-on = Conclusion prévue
col-lost-reason = Raison de la perte
col-closed-at = Conclue le
deal-status-open = En cours
deal-status-won = Gagnée
deal-status-lost = Perdue
deal-closes-on = conclusion prévue le { $day }
filter-not-an-amount = { $field } : « { $value } » n’est pas un montant en euros.
board-title = Tableau des affaires
board-pipelines = Pipelines
board-everyone = Toute l’équipe
board-owner = Responsable
board-closing = Conclusion prévue en
board-list = Voir en liste
board-deals = { $count ->
    [one] { $shown } affaire
   *[other] { $shown } affaires
}
board-more = { $count ->
    [one] { $shown } autre
   *[other] { $shown } autres
}
board-weighted = pondéré
board-move = Déplacer
board-move-title = Déplacer « { $title } »
board-move-to = Vers l’étape
board-lost-reason = Raison de la perte (si perdue)
board-add = Ajouter
board-add-label = Nouvelle affaire dans « { $stage } »
board-no-pipeline = Aucun pipeline pour l’instant : les affaires avancent dans les étapes d’un pipeline.
board-starter = Créer le pipeline de départ
board-ask-admin = Un administrateur crée le premier pipeline.
board-empty-column = Aucune affaire.
board-drop-hint = Glissez une carte vers une autre colonne, ou ouvrez « Déplacer » sur la carte.
board-choose-reason = Choisissez la raison de la perte, puis déplacez.
board-field-lost-reason = Raison de la perte :
board-field-stage-id = Étape :
board-field-title = Intitulé :
board-field-pipeline-id = Pipeline :
board-field-owner = Responsable :
board-field-closing = Mois :
starter-pipeline = Ventes
starter-qualify = Qualification
starter-discover = Découverte
starter-propose = Proposition
starter-negotiate = Négociation
starter-won = Gagnée
starter-lost = Perdue
starter-lost-reasons = Prix, Concurrent, Pas de budget, Pas de décision, Autre
board-probability = { $n } %
open-deals = Affaires en cours
no-open-deals = Aucune affaire en cours.
forecast-title = Prévisions
forecast-chart-title = Prévisions mois par mois, à partir de { $from }
forecast-committed = Gagné
forecast-weighted = Pondéré
forecast-best-case = Meilleur cas
forecast-month = Mois
forecast-won-deals = Affaires gagnées
forecast-open-deals = Affaires en cours
forecast-total = Total
forecast-from = À partir de
forecast-length = Durée
forecast-all-pipelines = Tous les pipelines
forecast-months = { $count ->
    [one] { $shown } mois
   *[other] { $shown } mois
}
forecast-left-out = { $count ->
    [one] { $shown } affaire en cours dans une autre devise n’est pas comptée : les taux de change ne sont pas encore gérés.
   *[other] { $shown } affaires en cours dans d’autres devises ne sont pas comptées : les taux de change ne sont pas encore gérés.
}
month-1 = janv.
month-2 = févr.
month-3 = mars
month-4 = avr.
month-5 = mai
month-6 = juin
month-7 = juil.
month-8 = août
month-9 = sept.
month-10 = oct.
month-11 = nov.
month-12 = déc.
report-title = Rapport du pipeline
report-outcomes = Affaires conclues sur la période
report-win-rate = Taux de réussite
report-cycle = Cycle de vente moyen
report-stages = Étapes sur la période
report-entered = Affaires entrées
report-conversion = Passage à l’étape suivante
report-time-in-stage = Temps moyen dans l’étape
report-percent = { $n } %
report-days = { $n } j
print-quote = Devis
print-order = Bon de commande
print-page = Page
print-customer = Client
print-issued-on = Date
print-valid-until = Valable jusqu’au
print-ordered-on = Date de commande
print-deal = Affaire
print-column-description = Désignation
print-column-quantity = Qté
print-column-unit-price = PU HT
print-column-vat = TVA
print-column-amount = Total HT
print-discount-percent = Remise { $rate } %
print-discount-amount = Remise { $amount }
print-excluding-tax = Total HT
print-vat-share = TVA { $rate } % sur { $base }
print-tax = Total TVA
print-including-tax = Total TTC
print-payment-terms = Conditions de paiement
print-notes = Remarques
print-validity = Devis valable jusqu’au { $day }.
print-late-payment = En cas de retard de paiement, une pénalité égale à trois fois le taux d’intérêt légal est exigible, ainsi qu’une indemnité forfaitaire pour frais de recouvrement de 40 € (articles L441-10 et D441-5 du Code de commerce). Pas d’escompte pour paiement anticipé.
print-signature = Bon pour accord
print-signature-hint = Date, signature et cachet du client
print-capital = au capital de
print-contact = Tél. { $phone }
quotes-title = Devis
quote-new = Nouveau devis
quote-edit = Modifier le devis { $number }
quote-pdf = PDF
quote-send = Marquer comme envoyé
quote-accept = Accepté par le client
quote-refuse = Refusé par le client
quote-lines = Lignes
quote-no-lines = Aucune ligne pour l’instant.
quote-line = Ligne
quote-more-lines = Il faut plus de lignes ? Enregistrez : trois lignes vides s’ajoutent à chaque fois.
quote-has-errors = Le devis n’est pas enregistré :
quote-order = Commande
quote-order-made = Commande créée à l’acceptation
quote-none = Aucun devis pour cette affaire.
quote-status-draft = Brouillon
quote-status-sent = Envoyé
quote-status-accepted = Accepté
quote-status-refused = Refusé
quote-status-expired = Expiré
quote-field-description = Désignation
quote-field-quantity = Quantité
quote-field-unit = Unité
quote-field-unit-price = Prix unitaire HT
quote-field-vat-rate = TVA
quote-field-discount-percent = Remise %
quote-field-discount-amount = Remise
quote-field-product-id = Produit
quote-field-issued-on = Date
quote-field-valid-until = Validité
quote-field-payment-terms = Conditions de paiement
quote-field-notes = Remarques
quote-field-lines = Lignes
quote-field-company-id = Client
quote-field-deal-id = Affaire
quote-field-status = Statut
orders-title = Commandes
order-none = Aucune commande pour l’instant.
order-status-confirmed = Confirmée
order-status-fulfilled = Livrée
order-status-cancelled = Annulée
catalogue-title = Catalogue
catalogue-products = Produits et services
catalogue-empty = Le catalogue est vide : ajoutez vos produits et services pour les reprendre dans les devis.
product-new = Ajouter au catalogue
product-sku = Référence
product-name = Nom
product-description = Description
product-unit-price = Prix unitaire HT
product-currency = Devise
product-unit = Unité
product-vat-rate = TVA
product-active = Actif
product-active-hint = Proposé dans les nouveaux devis
product-retired = Retiré
quote-product-hint = Une ligne tirée du catalogue reprend son nom, son prix et sa TVA quand ils sont laissés vides.
settings-seller = Identité du vendeur
seller-hint = Imprimée sur chaque devis : raison sociale, adresse, immatriculation et conditions de paiement par défaut.
seller-saved = Identité du vendeur enregistrée.
seller-name = Raison sociale
seller-legal-form = Forme juridique
seller-share-capital = Capital social (€)
seller-siren = SIREN
seller-rcs-city = Ville du greffe (RCS)
seller-vat-number = N° de TVA intracommunautaire
seller-street = Adresse
seller-postal-code = Code postal
seller-city = Ville
seller-country = Pays
seller-email = E-mail
seller-phone = Téléphone
seller-payment-terms = Conditions de paiement par défaut
order-external-id = Référence externe
order-from-quote = Le devis accepté
quotes-awaiting = En attente de réponse
quotes-all = Tous
quotes-none = Aucun devis ici.
quote-number = Numéro
quote-past-validity = validité dépassée
quote-copy = Copier en nouveau devis
