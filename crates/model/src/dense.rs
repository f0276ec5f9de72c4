//! Declare an enum once and derive its dense indices, its list and its length.
//!
//! Counters and metrics are stored in flat rows indexed by enum values, and outputs list
//! them in that same order. Writing the order down a second time (an `ALL` array, an
//! `index` match with hand-computed offsets) lets the copies drift apart; with
//! [`dense_enum!`] the declaration is the only list. A variant may carry one payload
//! that is itself a dense enum (`First(Status)`): it then stands for one value per
//! payload value, in the payload's order.

/// Declare an enum and give it `LEN`, `ALL` and `index()`, all following the
/// declaration order.
///
/// Unit variants take one index each; a variant with a payload type `T` (itself declared
/// with this macro) takes `T::LEN` consecutive indices, ordered like `T::ALL`. `ALL`
/// lists every value by index, so `ALL[v.index()] == v` for every value `v`.
macro_rules! dense_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident $(($inner:ty))? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant $(($inner))? ),+
        }

        impl $name {
            #[doc = concat!(
                "Count the [`", stringify!($name), "`] values ",
                "(a payload variant once per payload value)."
            )]
            pub const LEN: usize = 0 $( + $crate::dense::dense_enum!(@len $($inner)?) )+;

            #[doc = concat!("List every [`", stringify!($name), "`] value, in index order.")]
            pub const ALL: [$name; $name::LEN] = {
                let first = $crate::dense::dense_enum!(@first $name $($variant $(($inner))?),+);
                let mut all = [first; $name::LEN];
                let mut next = 0;
                $( $crate::dense::dense_enum!(@push all next $name $variant $($inner)?); )+
                assert!(next == $name::LEN, "every index is filled once");
                all
            };

            #[doc = concat!("Give the value's position in [`", stringify!($name), "::ALL`].")]
            pub const fn index(self) -> usize {
                enum Variant { $( $variant ),+ }
                const SIZES: &[usize] = &[$( $crate::dense::dense_enum!(@len $($inner)?) ),+];
                match self {
                    $(
                        $crate::dense::dense_enum!(@pattern $name $variant payload $($inner)?) => {
                            let start = const {
                                $crate::dense::offset(SIZES, Variant::$variant as usize)
                            };
                            start + $crate::dense::dense_enum!(@inner payload $($inner)?)
                        }
                    ),+
                }
            }
        }
    };
    (@len) => { 1 };
    (@len $inner:ty) => { <$inner>::LEN };
    (@first $name:ident $variant:ident $(($inner:ty))? $(, $($rest:tt)*)?) => {
        $name::$variant $( (<$inner>::ALL[0]) )?
    };
    (@push $all:ident $next:ident $name:ident $variant:ident) => {
        $all[$next] = $name::$variant;
        $next += 1;
    };
    (@push $all:ident $next:ident $name:ident $variant:ident $inner:ty) => {
        let mut i = 0;
        while i < <$inner>::LEN {
            $all[$next] = $name::$variant(<$inner>::ALL[i]);
            $next += 1;
            i += 1;
        }
    };
    (@pattern $name:ident $variant:ident $payload:ident) => { $name::$variant };
    (@pattern $name:ident $variant:ident $payload:ident $inner:ty) => { $name::$variant($payload) };
    (@inner $payload:ident) => { 0 };
    (@inner $payload:ident $inner:ty) => { $payload.index() };
}

pub(crate) use dense_enum;

/// Sum the first `count` sizes: where the variant at position `count` starts.
pub(crate) const fn offset(sizes: &[usize], count: usize) -> usize {
    let mut sum = 0;
    let mut i = 0;
    while i < count {
        sum += sizes[i];
        i += 1;
    }
    sum
}

#[cfg(test)]
mod tests {
    dense_enum! {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum Colour {
            Red,
            Green,
            Blue,
        }
    }

    dense_enum! {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum Paint {
            Primer,
            Gloss(Colour),
            Varnish,
            Matt(Colour),
        }
    }

    #[test]
    fn unit_variants_are_numbered_in_declaration_order() {
        assert_eq!(Colour::LEN, 3);
        assert_eq!(Colour::ALL, [Colour::Red, Colour::Green, Colour::Blue]);
        assert_eq!(Colour::Blue.index(), 2);
    }

    #[test]
    fn a_payload_variant_spans_every_payload_value_in_order() {
        use Colour::*;
        assert_eq!(Paint::LEN, 1 + 3 + 1 + 3);
        assert_eq!(
            Paint::ALL,
            [
                Paint::Primer,
                Paint::Gloss(Red),
                Paint::Gloss(Green),
                Paint::Gloss(Blue),
                Paint::Varnish,
                Paint::Matt(Red),
                Paint::Matt(Green),
                Paint::Matt(Blue),
            ]
        );
        assert_eq!(Paint::Varnish.index(), 4);
        assert_eq!(Paint::Matt(Green).index(), 6);
    }

    #[test]
    fn every_value_sits_at_its_own_index() {
        for (i, paint) in Paint::ALL.into_iter().enumerate() {
            assert_eq!(paint.index(), i, "{paint:?}");
        }
    }

    #[test]
    fn a_payload_in_first_place_still_fills_the_list() {
        dense_enum! {
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            enum Lead {
                Tinted(Colour),
                Clear,
            }
        }
        assert_eq!(Lead::ALL[0], Lead::Tinted(Colour::Red));
        assert_eq!(Lead::ALL[3], Lead::Clear);
        assert_eq!(Lead::Clear.index(), 3);
    }
}
