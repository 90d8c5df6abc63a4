#![cfg(test)]
//! The extraction rules against real texts (a table of what services send and the code a
//! customer must be shown), the context rules one by one, the per-service patterns, and
//! inputs that must not panic.

use proptest::prelude::*;

use super::*;

/// Real-world OTP texts (modelled on what the services send) and the code a customer
/// must be shown; `None` rows carry no code.
const TABLE: &[(&str, Option<&str>)] = &[
    // English, global services.
    (
        "Your WhatsApp code: 123-456\nYou can also tap on this link to verify your phone: v.whatsapp.com/123456\nDon't share this code with others\n4sgLq1p5sV6",
        Some("123-456"),
    ),
    (
        "Telegram code: 12345\n\nYou can also tap on this link to log in:\nhttps://t.me/login/12345",
        Some("12345"),
    ),
    (
        "Login code: 54321. Do not give this code to anyone, even if they say they are from Telegram!\n\nThis code can be used to log in to your Telegram account. We never ask it for anything else.\n\nIf you didn't request this code by trying to log in on another device, simply ignore this message.",
        Some("54321"),
    ),
    (
        "G-123456 is your Google verification code.",
        Some("G-123456"),
    ),
    ("482913 is your Facebook code Laz+nxCarLW", Some("482913")),
    (
        "FB-48291 is your Facebook confirmation code",
        Some("FB-48291"),
    ),
    (
        "123 456 is your Instagram code. Don't share it.",
        Some("123 456"),
    ),
    (
        "Use 4817293 as Microsoft account security code",
        Some("4817293"),
    ),
    (
        "Your Apple ID Code is: 739201. Don't share it with anyone.",
        Some("739201"),
    ),
    (
        "Your Apple Account code is: 583920. Don't share it with anyone.\n\n@apple.com #583920 %apple.com",
        Some("583920"),
    ),
    (
        "482913 is your Amazon OTP. Don't share it with anyone.\n\n@amazon.com #482913",
        Some("482913"),
    ),
    (
        "Your Uber code: 4829. Never share this code. Reply STOP ABCD to 81753 to unsubscribe.",
        Some("4829"),
    ),
    (
        "[TikTok] 738291 is your verification code, valid for 5 minutes. To keep your account safe, never forward this code.",
        Some("738291"),
    ),
    (
        "Your Twitter confirmation code is 482913. Reply STOP to 40404 to stop getting SMS.",
        Some("482913"),
    ),
    ("Your X confirmation code is 582019", Some("582019")),
    ("Your Discord security code is: 691045", Some("691045")),
    ("Your Steam Guard code: 4F7KQ", Some("4F7KQ")),
    (
        "Steam Guard code: MVQRT\nIf you didn't try to log in, change your password.",
        Some("MVQRT"),
    ),
    (
        "Your one-time code: A7K2Q9. It expires in 10 minutes.",
        Some("A7K2Q9"),
    ),
    ("Your Tinder code is 553201 Don't share", Some("553201")),
    (
        "SIGNAL: Your code is: 238901 Do not share this code\n\ndoDiFGKPO1r",
        Some("238901"),
    ),
    (
        "Your Viber code is: 839201\nYou can also tap on this link to activate: viber://activate_secondary?code=839201",
        Some("839201"),
    ),
    (
        "PayPal: Your security code is: 123456. Your code expires in 10 minutes. Please don't reply.",
        Some("123456"),
    ),
    (
        "Revolut code: 482-913. Never share it, even with Revolut staff.",
        Some("482-913"),
    ),
    (
        "[Binance] Your verification code: 582937. The code is valid for 30 minutes. Never share it with anyone.",
        Some("582937"),
    ),
    (
        "Your Coinbase verification code is: 4829137. Don't share this code with anyone; our employees will never ask for the code.",
        Some("4829137"),
    ),
    (
        "Netflix: your sign-in code is 4829. It expires in 15 minutes.",
        Some("4829"),
    ),
    (
        "Your Airbnb verification code is: 582013. Don't share this code with anyone; we'll never ask for it.",
        Some("582013"),
    ),
    (
        "Booking.com: 482913 is your verification code. Do not share it.",
        Some("482913"),
    ),
    (
        "Your Bolt code is 2024. Don't share it with anyone.",
        Some("2024"),
    ),
    ("Bolt 4829\n\nbolt.eu/s/hT9x", Some("4829")),
    ("OTP123456 is valid for 10 minutes", Some("123456")),
    // Codes next to amounts, dates and phone numbers.
    (
        "123456 is your OTP for Paytm login. Valid for 10 min. Do not share. -Paytm",
        Some("123456"),
    ),
    (
        "OTP 482913 for transaction of INR 5,000.00 at AMAZON on 23-11-2026. Do not share with anyone. -HDFC Bank",
        Some("482913"),
    ),
    (
        "Dear Customer, OTP for your txn of Rs. 5000 at FLIPKART is 739104. Valid for 3 mins. Call 1800 425 3800 if not done by you.",
        Some("739104"),
    ),
    (
        "Your verification code is 4827. If you did not request it, call us at +1 650-253-0000.",
        Some("4827"),
    ),
    (
        "Your code 629104 is valid until 23.11.2026 12:45",
        Some("629104"),
    ),
    (
        "<#> Your Grab code is 4829. Do not share this code with anyone. Xy+1234/abc",
        Some("4829"),
    ),
    // Indonesian, Vietnamese, Thai.
    (
        "<#> Kode verifikasi GOJEK kamu: 4829. JANGAN KASIH kode ini ke siapa pun TERMASUK PIHAK GOJEK. pM3tk/1kAu+",
        Some("4829"),
    ),
    (
        "Kode verifikasi Shopee Anda adalah 482913. JANGAN BERIKAN kode ini kepada siapa pun termasuk pihak Shopee.",
        Some("482913"),
    ),
    (
        "Ma xac minh Shopee cua ban la 482913. Khong chia se ma nay voi bat ky ai.",
        Some("482913"),
    ),
    (
        "Mã xác thực (OTP) của bạn là 739201. Vui lòng không chia sẻ mã này cho bất kỳ ai.",
        Some("739201"),
    ),
    (
        "รหัส OTP คือ 482913 (Ref: KXWT) ใช้ภายใน 5 นาที",
        Some("482913"),
    ),
    ("รหัสยืนยันของ LINE คือ 5829", Some("5829")),
    // Chinese, Japanese, Korean.
    (
        "【微信】验证码384920，用于微信身份验证，5分钟内有效。",
        Some("384920"),
    ),
    (
        "【支付宝】您的验证码是：582013，请勿泄露给他人。",
        Some("582013"),
    ),
    (
        "【淘宝】验证码482913，您正在登录，2026年11月23日前有效。",
        Some("482913"),
    ),
    (
        "【蝦皮購物】您的驗證碼為 739201，請於5分鐘內輸入。",
        Some("739201"),
    ),
    (
        "[LINE] 認証番号：4829\nこの番号を他人に教えないでください。",
        Some("4829"),
    ),
    (
        "【Yahoo! JAPAN】確認コード：１２３４５６\u{3000}このコードは30分間有効です。",
        Some("123456"),
    ),
    (
        "[Web발신]\n[카카오톡] 인증번호 [582013]을(를) 입력해주세요.",
        Some("582013"),
    ),
    ("[네이버] 인증번호 [739201]를 입력해주세요.", Some("739201")),
    (
        "[Web발신]\n[토스] 인증번호 [482913] 50,000원 송금 확인을 위해 입력해주세요.",
        Some("482913"),
    ),
    // Arabic, Persian, Hebrew, Hindi.
    ("رمز التحقق الخاص بك في كريم هو 4829", Some("4829")),
    (
        "رمز التحقق الخاص بك هو ٤٨٢٩١٣. لا تشاركه مع أحد.",
        Some("482913"),
    ),
    ("کد تایید شما: ۴۸۲۹۱۳", Some("482913")),
    ("קוד האימות שלך הוא 482913", Some("482913")),
    (
        "आपका OTP 482913 है। इसे किसी के साथ साझा न करें। -Flipkart",
        Some("482913"),
    ),
    ("आपका सत्यापन कोड ७३९२०१ है।", Some("739201")),
    // Russian, Ukrainian.
    ("VK: 12345 - vash kod", Some("12345")),
    ("Kod: 12345. Nikomu ego ne soobshayte", Some("12345")),
    (
        "Перевод 5000р на карту *1234 Ivan I. Код 48291. Никому не сообщайте этот код.",
        Some("48291"),
    ),
    (
        "Ваш код подтверждения: 482913. Наберите его в поле ввода.",
        Some("482913"),
    ),
    (
        "Никому не говорите код 4829! Это код для входа на Авито.",
        Some("4829"),
    ),
    (
        "Код для входа в Wildberries: 582013. Никому его не сообщайте",
        Some("582013"),
    ),
    (
        "482913 — код для входа в Ozon. Не сообщайте его никому.",
        Some("482913"),
    ),
    (
        "Код подтверждения 7391. Действует до 23 ноября 2026 г. Госуслуги",
        Some("7391"),
    ),
    ("Ваш код для входу в Monobank: 5820", Some("5820")),
    // Spanish, Portuguese, French, Italian, German, Polish, Turkish.
    (
        "Tu código de WhatsApp: 482-913. No compartas este código con nadie.",
        Some("482-913"),
    ),
    (
        "Tu código de verificación de Mercado Libre es 739201. No lo compartas.",
        Some("739201"),
    ),
    (
        "Seu código de verificação do iFood é 4829. Não compartilhe com ninguém.",
        Some("4829"),
    ),
    (
        "Nubank: use o código 582013 para confirmar a compra de R$ 1.250,00 em 23/11.",
        Some("582013"),
    ),
    (
        "Votre code de vérification Leboncoin est 482913. Ne le communiquez à personne.",
        Some("482913"),
    ),
    ("Votre code Doctolib : 739201", Some("739201")),
    (
        "Il tuo codice di verifica Poste è 482913. Non condividerlo con nessuno.",
        Some("482913"),
    ),
    (
        "Ihr Bestätigungscode lautet: 482913. Bitte geben Sie ihn nicht weiter.",
        Some("482913"),
    ),
    (
        "Ihre mTAN für die Überweisung von 1.500,00 EUR an IBAN DE..1234 lautet 739201",
        Some("739201"),
    ),
    (
        "Twój kod weryfikacyjny Allegro to 582013. Nie podawaj go nikomu.",
        Some("582013"),
    ),
    (
        "Kod autoryzacyjny: 48291367. Przelew na kwotę 1500,00 PLN na rachunek 12 3456 7890.",
        Some("48291367"),
    ),
    (
        "Trendyol giriş doğrulama kodunuz: 482913. Bu kodu kimseyle paylaşmayın.",
        Some("482913"),
    ),
    (
        "1.250,00 TL tutarındaki işleminiz için tek kullanımlık şifreniz: 739201. Şifrenizi kimseyle paylaşmayınız.",
        Some("739201"),
    ),
    ("482913 Getir doğrulama kodunuzdur.", Some("482913")),
    // No code: marketing, delivery, balance, phone numbers.
    (
        "Скидка 20% на всё до 30.11.2026! Подробности по телефону 8 800 555 35 35",
        None,
    ),
    (
        "Your parcel 123456789012 is out for delivery. Track it: https://dhl.com/track/123456789012",
        None,
    ),
    (
        "Баланс: 1 500 ₽. Пополнение 500 руб. 23.11.2026 12:45",
        None,
    ),
    ("Your account balance is $1,234.56 as of 11/23.", None),
    (
        "Order #12345678 has shipped. Questions? Call +1 650-253-0000",
        None,
    ),
    (
        "Flash sale! 50% off until November 23, 2026. Shop now at shop.example.com/sale2026",
        None,
    ),
    (
        "Rs. 5000 credited to your a/c XX1234 on 23-11-2026. Avl bal: 12,500.00 INR",
        None,
    ),
    (
        "Ваш заказ 482913 доставлен в пункт выдачи. Срок хранения 5 дней.",
        None,
    ),
    (
        "Use promo code SALE2026 to get €25.00 off your next order!",
        None,
    ),
    (
        "Pagamento de R$ 1500 aprovado em 23/11/2026 às 12:45.",
        None,
    ),
    ("Reply STOP to 81753 to unsubscribe from Acme alerts.", None),
    (
        "您的订单已于2026年11月23日发货，快递单号 SF1234567890123。",
        None,
    ),
    (
        "Ваш PIN-код от карты не изменился. Вопросы: 8 800 555 35 35",
        None,
    ),
    (
        "Toplam 1500 TL harcama yaptınız. Kalan limitiniz 7500 TL.",
        None,
    ),
    ("Call 8 800 555 35 35 for free consultation", None),
    (
        "Акция до 31 декабря 2026 года! Получите 1000 бонусов на карту.",
        None,
    ),
    (
        "Your Uber trip on Nov 23 cost $12.50. Rate your driver at uber.com/rate",
        None,
    ),
    ("Verify your account at example.com/verify?id=482913", None),
    (
        "Gold 2350 USD/oz, silver 29.80 USD/oz. 1 USD = 92.5 RUB",
        None,
    ),
    (
        "Save 2000 points on your next booking! Offer ends 23.11.2026",
        None,
    ),
    (
        "Your electricity bill of 1234 руб is due on 23.11.2026",
        None,
    ),
    (
        "Распродажа: iPhone 15 за 89990 руб. Звоните: +7 (495) 123-45-67",
        None,
    ),
    ("Kargo takip numaranız: 1234567890123", None),
    ("Your order 12345678 will arrive on 23.11. Thank you!", None),
    ("Meeting moved to 14:30 on 2026-11-23, see you there", None),
];

#[test]
fn real_world_table() {
    let extractor = CodeExtractor::new();
    let mut failures = Vec::new();
    for (text, expected) in TABLE {
        let got = extractor.extract(None, text);
        if got.as_deref() != *expected {
            failures.push(format!("text {text:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn table_is_big_and_has_negative_rows() {
    assert!(TABLE.len() >= 45);
    assert!(TABLE.iter().filter(|(_, code)| code.is_none()).count() >= 8);
}

#[test]
fn builtin_patterns_compile() {
    assert!(Regex::new(&keyword_pattern()).is_ok());
    assert!(Regex::new(LINK_PATTERN).is_ok());
    let extractor = CodeExtractor::default();
    assert_eq!(
        extractor.extract(None, "Your code: 482913").as_deref(),
        Some("482913")
    );
}

#[test]
fn without_keyword_prefers_six_digits_then_the_first() {
    let extractor = CodeExtractor::new();
    assert_eq!(
        extractor.extract(None, "Welcome! 4821 / 482913").as_deref(),
        Some("482913")
    );
    assert_eq!(
        extractor.extract(None, "Welcome! 4821 / 5930").as_deref(),
        Some("4821")
    );
    // A keyword decides over the 6-digit preference.
    assert_eq!(
        extractor
            .extract(None, "Ticket 482913 booked. Your code: 5930")
            .as_deref(),
        Some("5930")
    );
}

#[test]
fn spaced_groups_need_a_keyword() {
    let extractor = CodeExtractor::new();
    assert_eq!(extractor.extract(None, "Более 100 000 клиентов"), None);
    assert_eq!(
        extractor.extract(None, "Код: 100 000").as_deref(),
        Some("100 000")
    );
}

#[test]
fn context_rules() {
    let extractor = CodeExtractor::new();
    let cases: &[(&str, Option<&str>)] = &[
        ("Happy 2026!", None),
        ("Your code is 2026", Some("2026")),
        ("Questions? 555 0199", None),
        ("Promo code 4829 gives 20% off", None),
        ("Your ZIP code 94043 was updated", None),
        ("Tracking code: 48291034", None),
        ("Your PIN for card ending 1234 is 5678", Some("5678")),
        ("Your temporary password is K7M2PQ9X", Some("K7M2PQ9X")),
        ("Password: Ab12Cd34", None),
        ("CODE: VALID FOR 5 MIN", None),
        ("Your code is BLOCKED", None),
        ("Your code\u{a0}482\u{a0}913", Some("482 913")),
        ("Your code:4829", Some("4829")),
        ("Win 100000 rubles now!", None),
        ("Рейс SU 1234 задерживается", None),
    ];
    for (text, expected) in cases {
        let got = extractor.extract(None, text);
        assert_eq!(got.as_deref(), *expected, "text {text:?}");
    }
}

#[test]
fn service_patterns_take_precedence() {
    let acme = vec![r"ACME-(?P<code>\d{4})".to_string()];
    let extractor = CodeExtractor::with_patterns([("Acme", acme.as_slice())]).unwrap();
    let text = "Your code 482913. ACME-1234";
    assert_eq!(
        extractor.extract(Some("acme"), text).as_deref(),
        Some("1234")
    );
    assert_eq!(
        extractor.extract(Some("ACME"), text).as_deref(),
        Some("1234")
    );
    assert_eq!(
        extractor.extract(Some(" Acme "), text).as_deref(),
        Some("1234")
    );
    assert_eq!(extractor.extract(None, text).as_deref(), Some("482913"));
    assert_eq!(
        extractor.extract(Some("other"), text).as_deref(),
        Some("482913")
    );
    // No match: the defaults answer.
    assert_eq!(
        extractor
            .extract(Some("acme"), "Your code 482913")
            .as_deref(),
        Some("482913")
    );
}

#[test]
fn service_patterns_group_one_whole_match_and_order() {
    let group = vec![r"pin (\d+)".to_string()];
    let whole = vec![r"[A-Z]{2}\d{2}".to_string()];
    let ordered = vec![r"first (\d+)".to_string(), r"second (\d+)".to_string()];
    let extractor = CodeExtractor::with_patterns([
        ("a", group.as_slice()),
        ("b", whole.as_slice()),
        ("c", ordered.as_slice()),
    ])
    .unwrap();
    assert_eq!(
        extractor.extract(Some("a"), "your pin 77").as_deref(),
        Some("77")
    );
    assert_eq!(
        extractor.extract(Some("b"), "ref XY12 ok").as_deref(),
        Some("XY12")
    );
    assert_eq!(
        extractor.extract(Some("c"), "second 2 first 1").as_deref(),
        Some("1")
    );
    // Patterns see normalised digits.
    assert_eq!(
        extractor.extract(Some("a"), "your pin ٤٢").as_deref(),
        Some("42")
    );
}

#[test]
fn bad_service_pattern_names_the_service() {
    let good = vec![r"\d{6}".to_string()];
    let bad = vec![r"code: (\d{6}".to_string()];
    let error =
        CodeExtractor::with_patterns([("telegram", good.as_slice()), ("WhatsApp", bad.as_slice())])
            .unwrap_err();
    assert_eq!(error.service, "WhatsApp");
    assert_eq!(error.pattern, r"code: (\d{6}");
    assert!(!error.reason.is_empty());
    let message = error.to_string();
    assert!(message.contains("WhatsApp"), "{message}");
    assert!(message.contains(r"code: (\d{6}"), "{message}");
}

#[test]
fn odd_inputs_do_not_panic() {
    let extractor = CodeExtractor::new();
    let long_digits = "7".repeat(100_000);
    let long_mixed = "code 1234 ".repeat(20_000);
    let long_word = "code".repeat(50_000);
    let odd = [
        "",
        " ",
        "1",
        "1234",
        "123456",
        "----",
        "::::",
        "+",
        "#",
        "G-",
        "-123456",
        "123456-",
        "😀😀😀 482913 😀",
        "\u{200b}\u{202e}482913",
        "code",
        "code:",
        "コード",
        "١٢٣٤",
        "1 2 3 4 5 6 7 8 9 0",
        "(((((1)))))",
        "https://",
        "www.",
        "a.b.c.d.e.f",
        "\u{0300}\u{0301}1234\u{0302}",
        "K\u{212a}\u{017f}.co/1234",
        long_digits.as_str(),
        long_mixed.as_str(),
        long_word.as_str(),
    ];
    for text in odd {
        let _ = extractor.extract(None, text);
        let _ = extractor.extract(Some("x"), text);
    }
    assert_eq!(extractor.extract(None, ""), None);
    assert_eq!(extractor.extract(None, &long_digits), None);
    assert_eq!(
        extractor.extract(None, &long_mixed).as_deref(),
        Some("1234")
    );
}

proptest! {
    #[test]
    fn never_panics(text in "\\PC{0,200}") {
        let _ = CodeExtractor::new().extract(None, &text);
    }

    #[test]
    fn never_panics_on_digit_soup(text in "[0-9 +()\\-.,:/#*a-zA-Z€$₽%]{0,80}") {
        let _ = CodeExtractor::new().extract(None, &text);
    }

    #[test]
    fn a_code_is_digits_or_capitals(text in "[0-9 a-zA-Zкод:.\\-]{0,80}") {
        if let Some(code) = CodeExtractor::new().extract(None, &text) {
            prop_assert!(code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' '));
        }
    }
}
