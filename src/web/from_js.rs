//! JavaScript values (JSON-shaped: what `Response.json()`, a Sync document or a task's
//! attributes hold) into the serde types of the pure modules, without `serde_wasm_bindgen`.
//!
//! Its errors format `serde::de::Unexpected` (which prints floats) into their messages, so any
//! use of it drags `core::fmt`'s float formatting into the module; these errors are static text
//! put together by concatenation, with the one thing that matters: which field or value.

use std::fmt;

use js_sys::{Array, Object, Reflect};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};
use wasm_bindgen::{JsCast, JsValue};

/// `value` as a `T`; the error says which field is missing or what is wrong.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Error> {
    T::deserialize(Deserializer(value))
}

/// Why a value is not the expected `T`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    fn new(parts: &[&str]) -> Error {
        Error(parts.concat())
    }

    pub fn message(&self) -> &str {
        &self.0
    }
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        js_sys::Error::new(&e.0).into()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    // Every default below formats its arguments through `custom`; each is overridden so that
    // nothing is formatted, and `custom` itself keeps no message.
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Error::new(&["the value does not have the expected shape"])
    }
    fn invalid_type(_unexp: Unexpected<'_>, _exp: &dyn Expected) -> Self {
        Error::new(&["a value has the wrong type"])
    }
    fn invalid_value(_unexp: Unexpected<'_>, _exp: &dyn Expected) -> Self {
        Error::new(&["a value is out of range or not one of those allowed"])
    }
    fn invalid_length(_len: usize, _exp: &dyn Expected) -> Self {
        Error::new(&["a list has the wrong length"])
    }
    fn unknown_variant(variant: &str, _expected: &'static [&'static str]) -> Self {
        Error::new(&["unknown value `", variant, "`"])
    }
    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        Error::new(&["unknown field `", field, "`"])
    }
    fn missing_field(field: &'static str) -> Self {
        Error::new(&["missing field `", field, "`"])
    }
    fn duplicate_field(field: &'static str) -> Self {
        Error::new(&["duplicate field `", field, "`"])
    }
}

/// A serde deserializer over one JavaScript value.
struct Deserializer(JsValue);

/// Whole numbers go to the visitor as integers (so `u16`/`u64` fields take them), others as `f64`.
fn visit_number<'de, V: Visitor<'de>>(n: f64, visitor: V) -> Result<V::Value, Error> {
    const LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53: every whole f64 below is exact
    if n.fract() == 0.0 && n.abs() <= LIMIT {
        if n >= 0.0 {
            visitor.visit_u64(n as u64)
        } else {
            visitor.visit_i64(n as i64)
        }
    } else {
        visitor.visit_f64(n)
    }
}

impl<'de> de::Deserializer<'de> for Deserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.0;
        if value.is_null() || value.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = value.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = value.as_f64() {
            visit_number(n, visitor)
        } else if let Some(s) = value.as_string() {
            visitor.visit_string(s)
        } else if Array::is_array(&value) {
            visitor.visit_seq(Elements {
                array: value.unchecked_into(),
                next: 0,
            })
        } else if value.is_object() {
            let keys = Object::keys(value.unchecked_ref::<Object>());
            visitor.visit_map(Entries {
                object: value,
                keys,
                next: 0,
                value: None,
            })
        } else {
            Err(Error::new(&[
                "a value is not JSON (a function, symbol or bigint)",
            ]))
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Unit variants only, as their wire string (all the enums that cross here are).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0.as_string() {
            Some(s) => visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(s)),
            None => Err(Error::new(&[
                "a value that should be a name is not a string",
            ])),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// An array's elements, in order.
struct Elements {
    array: Array,
    next: u32,
}

impl<'de> SeqAccess<'de> for Elements {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let item = self.array.get(self.next);
        self.next += 1;
        seed.deserialize(Deserializer(item)).map(Some)
    }
}

/// An object's own enumerable string keys and their values.
struct Entries {
    object: JsValue,
    keys: Array,
    next: u32,
    value: Option<JsValue>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.next >= self.keys.length() {
            return Ok(None);
        }
        let key = self.keys.get(self.next);
        self.next += 1;
        self.value = Some(Reflect::get(&self.object, &key).unwrap_or(JsValue::UNDEFINED));
        seed.deserialize(Deserializer(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().unwrap_or(JsValue::UNDEFINED);
        seed.deserialize(Deserializer(value))
    }
}
