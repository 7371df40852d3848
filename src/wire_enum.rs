//! `wire_enum!`: an enum whose variants travel as fixed strings. One list gives the variants,
//! their serde names, `as_str`, `from_wire` and `ALL`, so the names cannot drift apart (the
//! browser reads and writes them by hand, without serde's visitors).

/// ```text
/// wire_enum! {
///     /// Docs.
///     pub enum Kind { Audio = "audio", Video = "video" }
/// }
/// ```
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$($wire),+].len()] = [$($name::$variant),+];

            /// The wire name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// The variant with this wire name (exact, case-sensitive).
            pub fn from_wire(s: &str) -> Option<$name> {
                Self::ALL.into_iter().find(|v| v.as_str() == s)
            }
        }
    };
}
