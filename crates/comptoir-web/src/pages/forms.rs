//! Form fields as the templates draw them, and the errors of a refused submission placed next
//! to the field they are about.

use crate::i18n::Lang;
use comptoir_domain::ValidationErrors;

/// One input of a form, with what was typed (kept when the submission fails) and its error.
#[derive(Clone, Debug)]
pub struct FormField {
    pub name: String,
    pub label: String,
    /// An `<input type>`, or `textarea`, `select`, `checkbox`.
    pub kind: &'static str,
    pub value: String,
    /// Several values of a multiple select.
    pub values: Vec<String>,
    pub multiple: bool,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub wide: bool,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub autocomplete: &'static str,
    /// The keyboard a phone shows (`decimal`), for text typed as a number.
    pub input_mode: &'static str,
    pub list: Option<String>,
    /// Takes the focus when it appears, as an input opened for editing in place does.
    pub autofocus: bool,
}

impl FormField {
    pub fn new(name: impl Into<String>, label: String, kind: &'static str, value: impl Into<String>) -> Self {
        FormField {
            name: name.into(),
            label,
            kind,
            value: value.into(),
            values: vec![],
            multiple: false,
            options: vec![],
            required: false,
            wide: false,
            hint: None,
            error: None,
            autocomplete: "",
            input_mode: "",
            list: None,
            autofocus: false,
        }
    }

    pub fn select(
        name: &str,
        label: String,
        value: impl Into<String>,
        options: Vec<(String, String)>,
    ) -> Self {
        FormField { options, ..FormField::new(name, label, "select", value) }
    }

    pub fn input_mode(mut self, mode: &'static str) -> Self {
        self.input_mode = mode;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn wide(mut self) -> Self {
        self.wide = true;
        self
    }

    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn autocomplete(mut self, autocomplete: &'static str) -> Self {
        self.autocomplete = autocomplete;
        self
    }

    pub fn list(mut self, id: &str) -> Self {
        self.list = Some(id.to_owned());
        self
    }

    pub fn multiple(mut self, values: Vec<String>) -> Self {
        self.multiple = true;
        self.values = values;
        self
    }

    pub fn is_selected(&self, option: &str) -> bool {
        if self.multiple { self.values.iter().any(|v| v == option) } else { self.value == option }
    }
}

/// Whether any field of a form was refused, to say so above the form.
pub fn any_error(fields: &[FormField]) -> bool {
    fields.iter().any(|f| f.error.is_some())
}

/// Places each refused field's message on the form field it came from. `field_for` maps the
/// rules' field path (`emails[0]`, `address.city`, `custom_fields.budget`) to a form field's
/// name; an error that fits no field is returned to be shown above the form.
pub fn place_errors(
    fields: &mut [FormField],
    errors: &ValidationErrors,
    lang: Lang,
    field_for: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut unplaced = vec![];
    for error in &errors.0 {
        let name = field_for(&error.field);
        let message = lang.message(&error.message);
        match fields.iter_mut().find(|f| f.name == name) {
            Some(field) if field.error.is_none() => field.error = Some(message),
            Some(_) => {}
            None => unplaced.push(lang.messages(&ValidationErrors::single(&error.field, &error.message))),
        }
    }
    unplaced
}

/// The rules' path with its list index and sub-field dropped: `emails[1]` → `emails`,
/// `address.city` → `address.city`.
fn base_path(path: &str) -> String {
    let without_index = match path.find('[') {
        Some(at) => &path[..at],
        None => path,
    };
    without_index.trim_start_matches('/').replace('/', ".")
}

/// The form field a rule's error path belongs to: `emails[1]` → `emails`, a company's
/// `addresses[0].city` → `address.city` (the form edits the head office), `company_id` →
/// `company` (typed by name).
pub fn form_name(path: &str) -> String {
    if path == "company_id" {
        return "company".to_owned();
    }
    if let Some(rest) = path.strip_prefix("addresses[0]") {
        return format!("address{rest}");
    }
    base_path(path)
}
