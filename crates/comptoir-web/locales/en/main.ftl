# Comptoir's interface in English. Every key here must also be in fr/main.ftl.

skip-to-content = Skip to content
nav-label = Main
nav-home = Home
nav-contacts = Contacts
nav-companies = Companies
nav-settings = Settings
search-label = Search
search-placeholder = Search contacts, companies and deals (/)
search-hint = Press / or Ctrl+K to search from anywhere; Enter opens the first result.
sign-out = Sign out
back-home = Back to the home page
yes = Yes
no = No
save = Save
cancel = Cancel
edit = Edit
delete = Delete
delete-confirm = Delete this record? This cannot be undone.
details = Details
results = Results
empty-value = empty
form-has-errors = Some fields need attention; see the messages below each of them.

sign-in-title = Sign in
sign-in = Sign in
remember-me = Keep me signed in for 30 days
sign-in-wrong = Wrong email or password.
sign-in-locked = { $count ->
    [one] Too many failed attempts. Try again in one minute.
   *[other] Too many failed attempts. Try again in { $count } minutes.
}
setup-title = Create the first administrator
setup-intro = This Comptoir has no users yet. The account you create now can manage everything, including other users.
setup-submit = Create and sign in
password-hint = At least 12 characters.

error-bad-request-title = Request not understood
error-bad-request-detail = The request could not be read. Go back and try again.
error-forgery-title = Request refused
error-forgery-detail = This form was not sent from this page, or it expired. Go back, reload the page and try again.
error-not-found-title = Not found
error-not-found-detail = This page or record does not exist, or it is not yours to see.
error-forbidden-title = Not allowed
error-forbidden-detail = Your role does not allow this.
error-conflict-title = Changed in the meantime
error-conflict-detail = Someone changed this record while you were editing it. Reload it and make your change again.
error-internal-title = Something went wrong
error-internal-detail = The error was logged. Try again in a moment.

home-title = Home
home-greeting = Hello, { $name }
home-tasks = My tasks for today
home-no-tasks = Nothing due today.
home-recent = Recently viewed
home-no-recent = Records you open will be listed here.
home-activity = Latest activity on my contacts
home-no-activity = No activity on your contacts yet.
kind-contact = contact
kind-company = company

contacts-title = Contacts
contact-new = New contact
contact-edit = Edit { $name }
contact-edit-title = Edit contact
companies-title = Companies
company-new = New company
company-edit = Edit { $name }
company-edit-title = Edit company
company-contacts = Contacts
company-add-contact = Add a contact
company-no-contacts = No contacts at this company yet.

field-first-name = First name
field-last-name = Last name
field-email = Email
field-emails = Emails
field-phones = Phone numbers
field-password = Password
field-display-name = Name
field-job-title = Job title
field-company = Company
field-owner = Owner
field-tags = Tags
field-street = Street
field-postal-code = Postal code
field-city = City
field-country = Country (FR, BE…)
field-language = Language (fr, en…)
field-source = Source
field-name = Name
field-domain = Domain
field-website = Website
field-industry = Industry
field-siren = SIREN
field-siret = SIRET
field-vat-number = VAT number
field-subject = Subject
field-body = Text
field-direction = Direction
field-outcome = Outcome
field-duration-minutes = Duration (minutes)
field-due-date = Due date
field-assignee = Assigned to
field-when = When
when-hint = Empty means now.
one-per-line = One per line; the first is the main one.
comma-separated = Separated by commas.
currency-hint = An amount and a currency, such as 1234.50 EUR.

stage = Lifecycle stage
stage-subscriber = Subscriber
stage-lead = Lead
stage-marketing_qualified = Marketing qualified
stage-sales_qualified = Sales qualified
stage-opportunity = Opportunity
stage-customer = Customer
stage-evangelist = Evangelist
stage-other = Other
size = Size
size-1-9 = 1–9 employees
size-10-49 = 10–49 employees
size-50-249 = 50–249 employees
size-250-4999 = 250–4,999 employees
size-5000-plus = 5,000+ employees
relationship = Relationship
relationship-prospect = Prospect
relationship-customer = Customer
relationship-partner = Partner
relationship-supplier = Supplier
relationship-reseller = Reseller
relationship-other = Other

col-name = Name
col-first-name = First name
col-last-name = Last name
col-email = Email
col-phone = Phone
col-job-title = Job title
col-company-name = Company
col-city = City
col-postal-code = Postal code
col-country = Country
col-lifecycle-stage = Stage
col-owner-id = Owner
col-tags = Tags
col-source = Source
col-language = Language
col-created-at = Created
col-updated-at = Updated
col-last-activity-at = Last activity
col-domain = Domain
col-website = Website
col-industry = Industry
col-size-band = Size
col-siren = SIREN
col-relationship-type = Relationship

list-search-placeholder = Name, email, phone…
filters = Filters
filter-field = Field
filter-any-field = Choose a field…
filter-operator = Condition
filter-value = Value
filters-apply = Apply
filters-clear = Clear
op-eq = is
op-ne = is not
op-lt = is less than
op-lte = is at most
op-gt = is more than
op-gte = is at least
op-contains = contains
op-starts-with = starts with
op-in = is one of
op-is-empty = is empty
op-is-not-empty = is not empty
op-on = on
op-since = since
op-before = before
op-this-month = this month
op-last-30-days = in the last 30 days
op-has = includes
op-has-not = does not include
filter-me = Me
filter-refused = { $field }: { $message }
filter-needs-value = { $field }: give a value to look for.
filter-not-a-number = { $field }: “{ $value }” is not a number.
filter-not-yes-no = { $field }: answer yes or no.
filter-not-a-date = { $field }: “{ $value }” is not a date (for example 01/31/2026 or Jan 31, 2026).
filter-not-a-choice = { $field }: “{ $value }” is not one of { $choices }.
filter-no-such-user = { $field }: no colleague is called “{ $value }”.
filter-several-users = { $field }: several colleagues match “{ $value }”; pick one in the list.
filter-unknown-condition = { $field }: pick a condition from the list.
contact-mine = My contacts
company-mine = My companies
country-FR = France
country-BE = Belgium
country-CH = Switzerland
country-LU = Luxembourg
country-MC = Monaco
country-DE = Germany
country-ES = Spain
country-IT = Italy
country-PT = Portugal
country-NL = Netherlands
country-AT = Austria
country-GB = United Kingdom
country-IE = Ireland
country-US = United States
country-CA = Canada
country-MA = Morocco
country-TN = Tunisia
country-DZ = Algeria
country-SN = Senegal
country-CI = Côte d’Ivoire
language-fr = French
language-en = English
language-de = German
language-es = Spanish
language-it = Italian
language-nl = Dutch
language-pt = Portuguese
language-ar = Arabic
columns = Columns
columns-legend = Columns to show
columns-apply = Show these columns
saved-views = Saved views
view-name = Name of this view
view-save = Save view
view-delete = Delete view “{ $name }”
export-csv = Export to CSV
bulk-label = With selected
bulk-assign = Assign to
bulk-tag = Add tag
bulk-untag = Remove tag
bulk-delete = Delete
bulk-tag-placeholder = Tag
bulk-apply = Apply
bulk-scope-all = Every result of the list, not only the ticked rows
bulk-none-selected = Tick at least one row, or choose every result of the list.
bulk-delete-all-question = Delete every record of this list ({ $what })? There is no undo.
bulk-delete-title = Delete records
bulk-delete-question = { $count ->
    [one] Delete this record? This cannot be undone.
   *[other] Delete these { $count } records? This cannot be undone.
}
bulk-delete-confirm = Yes, delete
bulk-done = { $count ->
    [one] One record changed.
   *[other] { $shown } records changed.
}
bulk-refused = { $count ->
    [one] One record was left as it was: it is not yours to change.
   *[other] { $shown } records were left as they were: they are not yours to change.
}
select-all = Select all rows
select-row = Select this row
no-results = Nothing matches.
count-contacts = { $count ->
    [one] { $shown } contact
   *[other] { $shown } contacts
}
count-contacts-more-than = more than { $shown } contacts
count-contacts-about = about { $shown } contacts
count-companies = { $count ->
    [one] { $shown } company
   *[other] { $shown } companies
}
count-companies-more-than = more than { $shown } companies
count-companies-about = about { $shown } companies
more-results = Show more
first-page = Back to the first page

timeline = Timeline
timeline-empty = Nothing logged yet.
timeline-older = Show older
open-tasks = Open tasks
no-open-tasks = No open tasks.
composer-title = Log an activity
composer-kind = Type
composer-submit = Add to the timeline
kind-note = Note
kind-call = Call
kind-email = Email
kind-meeting = Meeting
kind-task = Task
direction-inbound = Inbound
direction-outbound = Outbound
outcome-connected = Connected
outcome-no_answer = No answer
outcome-left_voicemail = Left a voicemail
outcome-busy = Busy
outcome-wrong_number = Wrong number
duration-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
task-due = due { $date }
task-overdue = overdue since { $date }
task-mark-done = Done
task-reopen = Reopen
tickets = Tickets
consent = Consent
coming-tickets = Support tickets will be listed here.
coming-consent = Consent and privacy requests will be listed here.

search-title = Search
search-results-for = Results for “{ $q }”
search-nothing = No contact, company or deal matches.
search-contacts = Contacts
search-companies = Companies
search-deals = Deals

settings-title = Settings
settings-users = Users
settings-tokens = API tokens
settings-fields = Custom fields
user-new = New user
user-edit = Edit { $name }
field-role = Role
field-active = Active
field-locale = Language
role-admin = Administrator
role-manager = Manager
role-sales = Sales
role-support = Support
role-readonly = Read only
locale-none = Browser’s choice
user-inactive = inactive
token-new = New token
token-name = Token name
token-user = Acts as
token-created = Copy this token now: it will not be shown again.
token-revoke = Revoke
token-revoked = revoked
token-last-used = Last used
token-never-used = never used
settings-webhooks = Webhooks
webhook-new = New webhook
webhook-url = Address (https://…)
webhook-events = Events
webhook-events-hint = Separated by commas, such as contact.created, contact.* or company.updated; empty for every event.
webhook-description = Description
webhook-created = Copy this signing secret now: it will not be shown again. Receivers check each message's webhook-signature with it.
webhook-all-events = every event
webhook-active = active
webhook-disabled = disabled
webhook-status = Status
webhook-deliveries = Deliveries
webhook-no-deliveries = Nothing sent yet.
webhook-send-test = Send a test event
webhook-test-queued = A test event is on its way; reload to see its delivery.
webhook-enable = Turn on
webhook-disable = Turn off
webhook-delete = Delete
webhook-event = Event
webhook-attempts = Attempts
webhook-answer = Answer
webhook-latency = Time
webhook-milliseconds = { $n } ms
webhook-next-attempt = Next attempt
delivery-pending = pending
delivery-delivered = delivered
delivery-failed = failed
field-key = Key (used by the API)
field-label = Label
field-type = Type
field-options = Options
options-hint = One option per line (select fields).
field-object-type = Records
object-contact = Contacts
object-company = Companies
type-text = Text
type-number = Number
type-date = Date
type-bool = Yes/no
type-select = Choice
type-multi_select = Multiple choice
type-currency = Amount
type-url = Web address
type-email = Email
type-phone = Phone
move-up = Move up
move-down = Move down
fields-empty = No custom fields yet.
field-new = New custom field
created-at = Created

reach-call = Call { $number }
reach-write = Write an email

nav-tasks = Tasks
nav-tasks-due = { $count ->
    [one] ({ $shown } due today or late)
   *[other] ({ $shown } due today or late)
}
tasks-title = My tasks
tasks-assignee = Assigned to
tasks-everyone = Everyone
tasks-overdue = Late
tasks-today = Today
tasks-week = Later this week
tasks-later = Later, or without a date
tasks-none = Nothing here.
tasks-show-all = Show them all
tasks-count = { $count ->
    [one] { $shown } task
   *[other] { $shown } tasks
}
tasks-count-more-than = more than { $shown } tasks
tasks-count-about = about { $shown } tasks
task-marked-done = Done: { $subject }
home-more-today = { $count ->
    [one] { $shown } more today
   *[other] { $shown } more today
}
home-late = { $count ->
    [one] { $shown } late task
   *[other] { $shown } late tasks
}
home-late-more-than = more than { $shown } late tasks
home-late-about = about { $shown } late tasks

conflict-changed = Someone else saved this record while you were editing it.
conflict-theirs = Their value: { $value }
conflict-overwrite = Save mine over theirs
conflict-keep-theirs = Keep theirs
request-failed = That did not work, and nothing was changed.
request-offline = The server could not be reached; nothing was changed. Check the connection and try again.

account-title = My account
account-preferences = Language and time zone
account-language = Language
account-language-browser = The browser’s
account-timezone = Time zone
account-timezone-default = The team’s ({ $zone })
account-password = Password
account-current-password = Current password
account-new-password = New password
account-new-password-hint = At least 12 characters. Every other session of yours ends.
account-password-change = Change my password
account-saved = Saved.
account-password-changed = Your password is changed; your other sessions have ended.
namesakes-found = Already on file with the same email, phone number or identifier:
namesakes-allow = It is someone else: save it anyway
tasks-about = About
tasks-about-any = about any record
tasks-all-of-record = All its tasks, by due date

## Sales: deals, the board, pipelines
nav-deals = Deals
kind-deal = deal
object-deal = Deals
deals-title = Deals
deal-new = New deal
deal-edit = Edit { $name }
deal-edit-title = Edit deal
deal-mine = My deals
count-deals = { $count ->
    [one] { $shown } deal
   *[other] { $shown } deals
}
count-deals-more-than = more than { $shown } deals
count-deals-about = about { $shown } deals
field-title = Title
field-amount = Amount
field-currency = Currency (EUR, USD…)
field-expected-close-on = Expected close
field-probability = Probability (%)
col-title = Title
col-pipeline-name = Pipeline
col-stage-name = Stage
col-status = Status
col-amount = Amount
col-currency = Currency
col-probability = Probability
col-expected-close-on = Expected close
col-lost-reason = Lost reason
col-closed-at = Closed
deal-status-open = Open
deal-status-won = Won
deal-status-lost = Lost
deal-closes-on = expected to close { $day }
filter-not-an-amount = { $field }: “{ $value }” is not an amount in euros.
board-title = Deals board
board-pipelines = Pipelines
board-everyone = Everyone
board-owner = Owner
board-closing = Closing in
board-list = List view
board-deals = { $count ->
    [one] { $shown } deal
   *[other] { $shown } deals
}
board-more = { $count ->
    [one] { $shown } more
   *[other] { $shown } more
}
board-weighted = weighted
board-move = Move
board-move-title = Move “{ $title }”
board-move-to = To stage
board-lost-reason = Lost reason (if lost)
board-add = Add
board-add-label = New deal in “{ $stage }”
board-no-pipeline = No pipeline yet: deals move through the stages of a pipeline.
board-starter = Create the starter pipeline
board-ask-admin = An admin creates the first pipeline.
board-empty-column = No deals.
board-drop-hint = Drag a card to another column, or open “Move” on the card.
board-choose-reason = Choose why it was lost, then move it.
board-field-lost-reason = Lost reason:
board-field-stage-id = Stage:
board-field-title = Title:
board-field-pipeline-id = Pipeline:
board-field-owner = Owner:
board-field-closing = Month:
starter-pipeline = Sales
starter-qualify = Qualification
starter-discover = Discovery
starter-propose = Proposal
starter-negotiate = Negotiation
starter-won = Won
starter-lost = Lost
starter-lost-reasons = Price, Competitor, No budget, No decision, Other
board-probability = { $n }%
open-deals = Open deals
no-open-deals = No open deals.
forecast-title = Forecast
forecast-chart-title = Forecast month by month, from { $from }
forecast-committed = Won
forecast-weighted = Weighted
forecast-best-case = Best case
forecast-month = Month
forecast-won-deals = Deals won
forecast-open-deals = Open deals
forecast-total = Total
forecast-from = From
forecast-length = Length
forecast-all-pipelines = All pipelines
forecast-months = { $count ->
    [one] { $shown } month
   *[other] { $shown } months
}
forecast-left-out = { $count ->
    [one] { $shown } open deal in another currency is not counted: exchange rates are not handled yet.
   *[other] { $shown } open deals in other currencies are not counted: exchange rates are not handled yet.
}
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
report-title = Pipeline report
report-outcomes = Deals closed in the period
report-win-rate = Win rate
report-cycle = Average sales cycle
report-stages = Stages over the period
report-entered = Deals entered
report-conversion = On to the next stage
report-time-in-stage = Average time in stage
report-percent = { $n }%
report-days = { $n } days
print-quote = Quote
print-order = Order
print-page = Page
print-customer = Customer
print-issued-on = Date
print-valid-until = Valid until
print-ordered-on = Order date
print-deal = Deal
print-column-description = Description
print-column-quantity = Qty
print-column-unit-price = Unit price excl. VAT
print-column-vat = VAT
print-column-amount = Total excl. VAT
print-discount-percent = { $rate }% discount
print-discount-amount = { $amount } discount
print-excluding-tax = Total excl. VAT
print-vat-share = VAT { $rate }% on { $base }
print-tax = Total VAT
print-including-tax = Total incl. VAT
print-payment-terms = Payment terms
print-notes = Notes
print-validity = This quote is valid until { $day }.
print-late-payment = Late payment incurs a penalty of three times the French legal interest rate and a fixed recovery fee of €40 (French Commercial Code, articles L441-10 and D441-5). No discount for early payment.
print-signature = Accepted and agreed
print-signature-hint = Date, signature and stamp of the customer
print-capital = with a share capital of
print-contact = Phone { $phone }
quotes-title = Quotes
quote-new = New quote
quote-edit = Edit quote { $number }
quote-pdf = PDF
quote-send = Mark as sent
quote-accept = Accepted by the customer
quote-refuse = Refused by the customer
quote-lines = Lines
quote-no-lines = No lines yet.
quote-line = Line
quote-more-lines = Need more lines? Save: three empty lines are added each time.
quote-has-errors = The quote was not saved:
quote-order = Order
quote-order-made = Order made on acceptance
quote-none = No quotes for this deal.
quote-status-draft = Draft
quote-status-sent = Sent
quote-status-accepted = Accepted
quote-status-refused = Refused
quote-status-expired = Expired
quote-field-description = Description
quote-field-quantity = Quantity
quote-field-unit = Unit
quote-field-unit-price = Unit price excl. VAT
quote-field-vat-rate = VAT
quote-field-discount-percent = Discount %
quote-field-discount-amount = Discount
quote-field-product-id = Product
quote-field-issued-on = Date
quote-field-valid-until = Valid until
quote-field-payment-terms = Payment terms
quote-field-notes = Notes
quote-field-lines = Lines
quote-field-company-id = Customer
quote-field-deal-id = Deal
quote-field-status = Status
orders-title = Orders
order-none = No orders yet.
order-status-confirmed = Confirmed
order-status-fulfilled = Fulfilled
order-status-cancelled = Cancelled
catalogue-title = Catalogue
catalogue-products = Products and services
catalogue-empty = The catalogue is empty: add your products and services to use them in quotes.
product-new = Add to the catalogue
product-sku = SKU
product-name = Name
product-description = Description
product-unit-price = Unit price excl. VAT
product-currency = Currency
product-unit = Unit
product-vat-rate = VAT
product-active = Active
product-active-hint = Offered in new quotes
product-retired = Retired
quote-product-hint = A line from the catalogue takes its name, price and VAT rate when they are left empty.
settings-seller = Seller identity
seller-hint = Printed on every quote: company name, address, registration and default payment terms.
seller-saved = Seller identity saved.
seller-name = Company name
seller-legal-form = Legal form
seller-share-capital = Share capital (€)
seller-siren = SIREN
seller-rcs-city = Registry city (RCS)
seller-vat-number = VAT number
seller-street = Address
seller-postal-code = Postal code
seller-city = City
seller-country = Country
seller-email = Email
seller-phone = Phone
seller-payment-terms = Default payment terms
order-external-id = External reference
order-from-quote = The accepted quote
quotes-awaiting = Awaiting an answer
quotes-all = All
quotes-none = No quotes here.
quote-number = Number
quote-past-validity = past validity
