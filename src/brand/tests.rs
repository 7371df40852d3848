use super::*;

#[test]
fn hex_colours_in_both_lengths_and_any_case() {
    assert_eq!(
        Color::parse_hex("#0263E0"),
        Ok(Color {
            r: 2,
            g: 99,
            b: 224
        })
    );
    assert_eq!(Color::parse_hex(" #fff "), Ok(WHITE));
    assert_eq!(
        Color::parse_hex("#09c").map(Color::hex),
        Ok("#0099cc".into())
    );
    assert_eq!(
        Color {
            r: 2,
            g: 99,
            b: 224
        }
        .hex(),
        "#0263e0"
    );
}

#[test]
fn anything_else_is_not_a_colour() {
    for bad in [
        "0263e0",
        "#0263e",
        "#0263e0ff",
        "#ggg",
        "red",
        "rgb(1,2,3)",
        "#",
        "#+1+",
    ] {
        assert_eq!(
            Color::parse_hex(bad),
            Err(BrandError::NotHexColor(bad.to_owned())),
            "{bad}"
        );
    }
    assert!(BrandError::NotHexColor("red".into())
        .to_string()
        .contains("#rrggbb"));
}

#[test]
fn contrast_follows_wcag() {
    assert!((contrast(WHITE, BLACK) - 21.0).abs() < 1e-9);
    assert!((contrast(BLACK, WHITE) - 21.0).abs() < 1e-9);
    assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
    // Paste's primary blue on white: 5.44:1; #767676 on white, the lightest grey that passes
    // AA: 4.54:1.
    let blue = Color::parse_hex("#0263e0").unwrap();
    assert!(
        (contrast(blue, WHITE) - 5.44).abs() < 0.01,
        "{}",
        contrast(blue, WHITE)
    );
    let grey = Color::parse_hex("#767676").unwrap();
    assert!(
        (contrast(grey, WHITE) - 4.54).abs() < 0.01,
        "{}",
        contrast(grey, WHITE)
    );
}

#[test]
fn the_text_on_an_accent_is_the_readable_one() {
    assert_eq!(Color::parse_hex("#0263e0").unwrap().text_on(), WHITE);
    assert_eq!(Color::parse_hex("#ffd500").unwrap().text_on(), BLACK);
    assert_eq!(Color::parse_hex("#777777").unwrap().text_on(), BLACK);
    assert_eq!(Color::parse_hex("#595959").unwrap().text_on(), WHITE);
    assert_eq!(Color::parse_hex("#d61f1f").unwrap().text_on(), WHITE);
}

#[test]
fn every_accent_gets_aa_contrast() {
    for r in (0..=255u8).step_by(15) {
        for g in (0..=255u8).step_by(15) {
            for b in (0..=255u8).step_by(15) {
                let c = Color { r, g, b };
                assert!(contrast(c, c.text_on()) >= AA_TEXT, "{}", c.hex());
            }
        }
    }
}

#[test]
fn logos_come_over_https_or_from_this_host() {
    assert!(check_logo_url("https://cdn.example.com/logo.svg").is_ok());
    assert!(check_logo_url("HTTPS://cdn.example.com/logo.svg").is_ok());
    assert!(check_logo_url("/brand/logo.png").is_ok());
    for bad in [
        "http://cdn.example.com/logo.svg",
        "//cdn.example.com/logo.svg",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "https://",
        "logo.png",
        "https://x/a b.png",
    ] {
        assert_eq!(
            check_logo_url(bad),
            Err(BrandError::LogoNotHttps(bad.to_owned())),
            "{bad}"
        );
    }
}

#[test]
fn a_brand_from_values_checks_each_and_names_the_bad_one() {
    let b = Brand::from_values(Some(" Owl Shoes "), Some("/logo.svg"), Some("#FFD500")).unwrap();
    assert_eq!(b.name.as_deref(), Some("Owl Shoes"));
    assert_eq!(b.logo_url.as_deref(), Some("/logo.svg"));
    assert_eq!(b.accent_color.as_deref(), Some("#ffd500"));
    assert_eq!(b.accent_text_color.as_deref(), Some("#000000"));
    assert_eq!(
        Brand::from_values(None, Some(" "), None),
        Ok(Brand::default())
    );
    assert_eq!(
        Brand::from_values(None, None, Some("blue")).unwrap_err().0,
        BrandField::AccentColor
    );
    assert_eq!(
        Brand::from_values(None, Some("http://x/l.png"), None)
            .unwrap_err()
            .0,
        BrandField::LogoUrl
    );
    let long = "x".repeat(MAX_NAME_CHARS + 1);
    assert_eq!(
        Brand::from_values(Some(&long), None, None),
        Err((BrandField::Name, BrandError::NameTooLong))
    );
    let json = serde_json::to_string(&b).unwrap();
    assert_eq!(
        json,
        r##"{"name":"Owl Shoes","logo_url":"/logo.svg","accent_color":"#ffd500","accent_text_color":"#000000"}"##
    );
    assert_eq!(serde_json::to_string(&Brand::default()).unwrap(), "{}");
}

#[test]
fn the_power_without_libm_matches_powf_on_every_channel_value() {
    for c in 0..=255u8 {
        let x = (f64::from(c) / 255.0 + 0.055) / 1.055;
        let (ours, std) = (pow_2_4(x), x.powf(2.4));
        assert!((ours - std).abs() < 1e-12, "{c}: {ours} vs {std}");
    }
}
