//! How a kind's parameters are edited, described without any user interface: each kind
//! lists its fields (key, label, hover text, and a mutable view of the value), and the app
//! draws every kind from that list, so a new kind needs no change to the app.

/// One editable parameter of a kind.
pub struct Field<'a> {
    /// The parameter's key in the profile, where its validation errors are reported
    /// (`iterations` for `run[0].workload.iterations`).
    pub key: &'static str,
    /// The label shown next to the value.
    pub label: &'static str,
    /// Shown when the pointer rests on the value; empty for none.
    pub help: &'static str,
    /// The value itself and how it is entered.
    pub value: Value<'a>,
}

/// A parameter's value and how it is entered.
pub enum Value<'a> {
    /// A whole number, dragged by `step` per pixel or typed.
    Integer {
        /// The number.
        value: &'a mut u64,
        /// Change per pixel dragged.
        step: f64,
    },
    /// A decimal number, dragged by `step` per pixel or typed.
    Decimal {
        /// The number.
        value: &'a mut f64,
        /// Change per pixel dragged.
        step: f64,
    },
    /// On or off; the label is the checkbox's text.
    Flag(&'a mut bool),
    /// One line of text.
    Line(&'a mut String),
    /// Program text, edited in a code box of `rows` lines under its label.
    Code {
        /// The text.
        value: &'a mut String,
        /// Visible lines.
        rows: usize,
    },
    /// A list of strings, edited one per line in a code box of `rows` lines under its
    /// label; empty lines are dropped. A kind has at most one (the app keeps its text as
    /// typed in one buffer per run).
    Lines {
        /// The list.
        value: &'a mut Vec<String>,
        /// Visible lines.
        rows: usize,
    },
    /// One of a fixed set of named options.
    Choice(Box<dyn Choose + 'a>),
}

/// A value chosen among named options.
pub trait Choose {
    /// The options' names, in menu order (as written in profiles).
    fn names(&self) -> Vec<&'static str>;
    /// The position of the current value among the options; `None` if it is none of them.
    fn selected(&self) -> Option<usize>;
    /// Sets the value to option number `index` (ignored when out of range).
    fn select(&mut self, index: usize);
}

/// A [`Choose`] over a `Copy` value and its options with their names.
pub struct OneOf<'a, T: 'static> {
    value: &'a mut T,
    options: &'static [(T, &'static str)],
}

impl<T: Copy + PartialEq + 'static> Choose for OneOf<'_, T> {
    fn names(&self) -> Vec<&'static str> {
        self.options.iter().map(|o| o.1).collect()
    }

    fn selected(&self) -> Option<usize> {
        self.options.iter().position(|o| o.0 == *self.value)
    }

    fn select(&mut self, index: usize) {
        if let Some(option) = self.options.get(index) {
            *self.value = option.0;
        }
    }
}

impl<'a> Field<'a> {
    fn new(key: &'static str, label: &'static str, value: Value<'a>) -> Self {
        Self {
            key,
            label,
            help: "",
            value,
        }
    }

    /// A whole number dragged by `step` per pixel.
    pub fn integer(key: &'static str, label: &'static str, value: &'a mut u64, step: f64) -> Self {
        Self::new(key, label, Value::Integer { value, step })
    }

    /// A decimal number dragged by `step` per pixel.
    pub fn decimal(key: &'static str, label: &'static str, value: &'a mut f64, step: f64) -> Self {
        Self::new(key, label, Value::Decimal { value, step })
    }

    /// A checkbox labelled `label`.
    pub fn flag(key: &'static str, label: &'static str, value: &'a mut bool) -> Self {
        Self::new(key, label, Value::Flag(value))
    }

    /// One line of text.
    pub fn line(key: &'static str, label: &'static str, value: &'a mut String) -> Self {
        Self::new(key, label, Value::Line(value))
    }

    /// Program text in a code box of `rows` lines.
    pub fn code(
        key: &'static str,
        label: &'static str,
        value: &'a mut String,
        rows: usize,
    ) -> Self {
        Self::new(key, label, Value::Code { value, rows })
    }

    /// A list edited one item per line in a code box of `rows` lines.
    pub fn lines(
        key: &'static str,
        label: &'static str,
        value: &'a mut Vec<String>,
        rows: usize,
    ) -> Self {
        Self::new(key, label, Value::Lines { value, rows })
    }

    /// One of `options`, each with its name as written in profiles.
    pub fn choice<T: Copy + PartialEq + 'static>(
        key: &'static str,
        label: &'static str,
        value: &'a mut T,
        options: &'static [(T, &'static str)],
    ) -> Self {
        Self::new(
            key,
            label,
            Value::Choice(Box::new(OneOf { value, options })),
        )
    }

    /// The same field with hover text `help`.
    pub fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }
}
