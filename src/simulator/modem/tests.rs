//! Byte transcripts of the simulated modem: what the host writes, what comes back and when.
//! Time is driven by hand, so nothing sleeps.

#![cfg(test)]

use std::time::{Duration, Instant};

use time::macros::datetime;

use super::*;
use crate::pdu::{Message, MessageClass, Pdu};
use crate::simulator::identity::{ModemIdentity, OPERATORS, SimIdentity};
use crate::simulator::sms::{self, IncomingSms};
use crate::test_support::Rng;

/// A modem on a bench: the clock, the modem, and helpers to type and read.
struct Bench {
    modem: Modem,
    now: Instant,
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A SIM of the operator at `OPERATORS[operator]`, found by generation (deterministic).
fn sim_of(operator: usize) -> SimIdentity {
    (0..)
        .map(|index| SimIdentity::generate(1, index))
        .find(|sim| sim.operator == &OPERATORS[operator])
        .expect("every operator comes up")
}

impl Bench {
    /// Powered on now, nothing read yet.
    fn power_on(personality: Personality, sim: Option<SimIdentity>) -> Bench {
        let now = Instant::now();
        let modem = Modem::new(
            ModemIdentity::generate(1, 0, personality),
            sim,
            personality,
            now,
        );
        Bench { modem, now }
    }

    /// Powered on with a SIM of MTS (a 20-digit ICCID, a number-query USSD code), booted and
    /// registered, boot output discarded.
    fn booted(personality: Personality) -> Bench {
        Bench::booted_with(personality, Some(sim_of(2)))
    }

    fn booted_with(personality: Personality, sim: Option<SimIdentity>) -> Bench {
        let mut bench = Bench::power_on(personality, sim);
        bench.advance(Duration::from_secs(5));
        bench
    }

    /// Lets `duration` pass, polling at every wake-up; what came out.
    fn advance(&mut self, duration: Duration) -> String {
        let target = self.now + duration;
        let mut out = Vec::new();
        while let Some(wake) = self.modem.next_wakeup().filter(|wake| *wake <= target) {
            self.now = self.now.max(wake);
            out.extend(self.modem.poll_output(self.now));
        }
        self.now = target;
        out.extend(self.modem.poll_output(self.now));
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Writes raw bytes; what came out at once.
    fn write(&mut self, bytes: &[u8]) -> String {
        self.modem.receive(bytes, self.now);
        String::from_utf8_lossy(&self.modem.poll_output(self.now)).into_owned()
    }

    /// Types a command line with CR; what came out at once (echo included).
    fn at(&mut self, line: &str) -> String {
        self.write(format!("{line}\r").as_bytes())
    }

    /// As `at`, with echo off first so the answer stands alone.
    fn quiet_at(&mut self, line: &str) -> String {
        if self.modem.settings.echo {
            self.at("ATE0");
        }
        self.at(line)
    }

    fn deliver(&mut self, sms: &IncomingSms) -> Delivery {
        let pdus = sms::build(
            sms,
            "+79168999100",
            7,
            datetime!(2025-03-14 15:09:26 +03:00),
        )
        .expect("test SMS builds");
        self.modem.deliver(pdus, self.now)
    }
}

fn pdu_of(sms: &IncomingSms) -> Vec<u8> {
    sms::build(
        sms,
        "+79168999100",
        7,
        datetime!(2025-03-14 15:09:26 +03:00),
    )
    .unwrap()
    .remove(0)
}

fn text_of_pdu(hex: &str) -> String {
    match Pdu::decode_hex(hex).unwrap().message {
        Message::Deliver(deliver) => deliver.user_data.text_or_empty().to_owned(),
        other => panic!("not a deliver: {other:?}"),
    }
}

// ----- boot ---------------------------------------------------------------------------------

#[test]
fn quectel_boots_with_its_announcements_in_order() {
    let mut bench = Bench::power_on(Personality::QuectelEc2x, Some(sim_of(2)));
    assert_eq!(
        bench.advance(ms(3000)),
        "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n"
    );
}

#[test]
fn sim800_announces_sms_ready_last_and_refuses_sms_commands_before() {
    let mut bench = Bench::power_on(Personality::SimcomSim800, Some(sim_of(2)));
    assert_eq!(
        bench.advance(ms(1000)),
        "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n"
    );
    bench.quiet_at("AT+CMEE=1");
    assert_eq!(bench.at("AT+CMGF=0"), "\r\n+CMS ERROR: 302\r\n");
    assert_eq!(bench.at("AT+CPMS?"), "\r\n+CMS ERROR: 302\r\n");
    assert_eq!(
        bench.advance(ms(2000)),
        "\r\nCall Ready\r\n\r\nSMS Ready\r\n"
    );
    assert_eq!(bench.at("AT+CMGF=0"), "\r\nOK\r\n");
}

#[test]
fn input_before_the_uart_is_up_is_lost() {
    let mut bench = Bench::power_on(Personality::Generic, None);
    assert_eq!(bench.at("AT"), "");
    bench.advance(ms(400));
    assert_eq!(bench.at("AT"), "AT\r\r\nOK\r\n");
}

#[test]
fn boot_without_sim_says_so_per_model() {
    let mut quectel = Bench::power_on(Personality::QuectelEc2x, None);
    assert!(quectel.advance(ms(3000)).contains("+CPIN: NOT INSERTED"));
    let mut simcom = Bench::power_on(Personality::SimcomSim7600, None);
    let boot = simcom.advance(ms(3000));
    assert!(boot.contains("+SIMCARD: NOT AVAILABLE"), "{boot:?}");
    assert!(!boot.contains("SMS DONE"));
    let mut huawei = Bench::power_on(Personality::HuaweiE173, None);
    assert_eq!(huawei.advance(ms(3000)), "\r\n^SIMST:255\r\n");
}

// ----- V.250 framing -------------------------------------------------------------------------

#[test]
fn echo_is_on_at_power_up_and_follows_ate() {
    let mut bench = Bench::booted(Personality::Generic);
    assert_eq!(bench.at("AT"), "AT\r\r\nOK\r\n");
    assert_eq!(bench.at("ATE0"), "ATE0\r\r\nOK\r\n");
    assert_eq!(bench.at("AT"), "\r\nOK\r\n");
    assert_eq!(bench.at("ate1"), "\r\nOK\r\n");
    assert_eq!(bench.at("at"), "at\r\r\nOK\r\n");
}

#[test]
fn a_line_is_read_byte_by_byte_and_lf_is_ignored() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    let mut out = String::new();
    for byte in b"\nAT+CMGF?\r\n" {
        out.push_str(&bench.write(&[*byte]));
    }
    assert_eq!(out, "\r\n+CMGF: 0\r\n\r\nOK\r\n");
}

#[test]
fn backspace_removes_the_last_character() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    assert_eq!(
        bench.write(b"AT+CMGF?X\x08\r"),
        "\r\n+CMGF: 0\r\n\r\nOK\r\n"
    );
}

#[test]
fn a_line_without_at_is_ignored_and_an_empty_at_is_ok() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    assert_eq!(bench.at("hello"), "");
    assert_eq!(bench.at(""), "");
    assert_eq!(bench.at("\0\0AT"), "\r\nOK\r\n");
}

#[test]
fn unknown_commands_and_bad_syntax_give_error() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT+CMEE=2");
    assert_eq!(bench.at("AT+FOO"), "\r\nERROR\r\n");
    assert_eq!(bench.at("AT+CMGF=7"), "\r\nERROR\r\n");
    assert_eq!(bench.at("AT+CUSD=1,\"*100#"), "\r\nERROR\r\n");
    assert_eq!(bench.at("AT+CPBR=1"), "\r\nERROR\r\n");
}

#[test]
fn concatenated_commands_answer_once_and_stop_at_the_first_error() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    assert_eq!(bench.at("AT+CMGF=1;+CNMI=2,2,0,1,0"), "\r\nOK\r\n");
    assert_eq!(
        bench.at("AT+CMGF?;+CNMI?"),
        "\r\n+CMGF: 1\r\n\r\n+CNMI: 2,2,0,1,0\r\n\r\nOK\r\n"
    );
    assert_eq!(bench.at("AT+CMGF=0;+BAD;+CMGF=1"), "\r\nERROR\r\n");
    assert_eq!(bench.at("AT+CMGF?"), "\r\n+CMGF: 0\r\n\r\nOK\r\n");
    assert_eq!(bench.at("ATE0V1Q0&D2"), "\r\nOK\r\n");
}

#[test]
fn an_overlong_line_is_dropped_with_error() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    let long = format!("AT+CMGF={}", "0".repeat(2000));
    assert_eq!(bench.at(&long), "\r\nERROR\r\n");
    assert_eq!(bench.at("AT"), "\r\nOK\r\n");
}

#[test]
fn a_slash_repeats_the_last_line_without_cr() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT+CMGF?");
    assert_eq!(bench.write(b"A/"), "\r\n+CMGF: 0\r\n\r\nOK\r\n");
}

#[test]
fn numeric_and_quiet_result_codes() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("ATV0");
    assert_eq!(bench.at("AT"), "0\r");
    assert_eq!(bench.at("AT+FOO"), "4\r");
    assert_eq!(bench.at("AT+CMGF?"), "+CMGF: 0\r\n0\r");
    bench.at("ATV1Q1");
    assert_eq!(bench.at("AT"), "");
    bench.at("ATQ0");
    assert_eq!(bench.at("ATS3?"), "\r\n013\r\n\r\nOK\r\n");
}

#[test]
fn atz_restores_factory_settings() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT+CMGF=1;+CMEE=2");
    assert_eq!(bench.at("ATZ"), "\r\nOK\r\n");
    assert_eq!(bench.at("AT"), "AT\r\r\nOK\r\n");
}

// ----- errors ------------------------------------------------------------------------------

#[test]
fn cmee_shapes_sim_errors() {
    let mut bench = Bench::booted_with(Personality::Generic, None);
    bench.quiet_at("AT");
    assert_eq!(bench.at("AT+CIMI"), "\r\nERROR\r\n");
    bench.at("AT+CMEE=1");
    assert_eq!(bench.at("AT+CIMI"), "\r\n+CME ERROR: 10\r\n");
    assert_eq!(bench.at("AT+CPMS?"), "\r\n+CMS ERROR: 310\r\n");
    bench.at("AT+CMEE=2");
    assert_eq!(bench.at("AT+CPIN?"), "\r\n+CME ERROR: SIM not inserted\r\n");
    assert_eq!(
        bench.at("AT+CMGL=4"),
        "\r\n+CMS ERROR: SIM not inserted\r\n"
    );
    assert_eq!(bench.at("AT+CMEE?"), "\r\n+CMEE: 2\r\n\r\nOK\r\n");
}

// ----- identity ----------------------------------------------------------------------------

#[test]
fn identity_per_personality() {
    let imei = |personality| ModemIdentity::generate(1, 0, personality).imei;
    let cases = [
        (
            Personality::QuectelEc2x,
            "Quectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G".to_owned(),
            "Quectel",
            "EC25EFAR06A06M4G".to_owned(),
            imei(Personality::QuectelEc2x),
        ),
        (
            Personality::SimcomSim800,
            "SIM800 R14.18".to_owned(),
            "SIMCOM_Ltd",
            "Revision:1418B04SIM800C24".to_owned(),
            imei(Personality::SimcomSim800),
        ),
        (
            Personality::HuaweiE173,
            format!(
                "Manufacturer: huawei\r\nModel: E173\r\nRevision: 11.126.85.00.209\r\nIMEI: {}\r\n+GCAP: +CGSM,+DS,+ES",
                imei(Personality::HuaweiE173)
            ),
            "huawei",
            "11.126.85.00.209".to_owned(),
            imei(Personality::HuaweiE173),
        ),
        (
            Personality::Generic,
            "Generic\r\nGSM Modem\r\nRevision: 1.0.0".to_owned(),
            "Generic",
            "1.0.0".to_owned(),
            format!("+CGSN: {}", imei(Personality::Generic)),
        ),
    ];
    for (personality, ati, manufacturer, revision, cgsn) in cases {
        let mut bench = Bench::booted(personality);
        bench.quiet_at("AT");
        assert_eq!(
            bench.at("ATI"),
            format!("\r\n{ati}\r\n\r\nOK\r\n"),
            "{personality}"
        );
        assert_eq!(
            bench.at("AT+CGMI"),
            format!("\r\n{manufacturer}\r\n\r\nOK\r\n")
        );
        assert_eq!(bench.at("AT+GMR"), format!("\r\n{revision}\r\n\r\nOK\r\n"));
        assert_eq!(bench.at("AT+CGSN"), format!("\r\n{cgsn}\r\n\r\nOK\r\n"));
        let imsi = sim_of(2).imsi;
        assert_eq!(bench.at("AT+CIMI"), format!("\r\n{imsi}\r\n\r\nOK\r\n"));
    }
    let mut sim7600 = Bench::booted(Personality::SimcomSim7600);
    sim7600.quiet_at("AT");
    assert_eq!(
        sim7600.at("AT+CGMR"),
        "\r\n+CGMR: LE20B04SIM7600M22\r\n\r\nOK\r\n"
    );
}

#[test]
fn iccid_dialects_and_the_crsm_fallback() {
    // Vodafone UK issues 19-digit ICCIDs: the F pad shows where the model prints it.
    let sim = sim_of(1);
    let iccid = sim.iccid.clone();
    assert_eq!(iccid.len(), 19);
    let swapped = commands::swap_nibbles(&iccid);
    let cases = [
        (
            Personality::QuectelEc2x,
            "AT+QCCID",
            format!("+QCCID: {iccid}F"),
        ),
        (Personality::SimcomSim800, "AT+CCID", iccid.clone()),
        (
            Personality::SimcomSim7600,
            "AT+CICCID",
            format!("+ICCID: {iccid}"),
        ),
        (
            Personality::SimcomSim7600,
            "AT+ICCID",
            format!("+ICCID: {iccid}"),
        ),
        (
            Personality::HuaweiE3372,
            "AT^ICCID?",
            format!("^ICCID: {swapped}"),
        ),
        (Personality::Generic, "AT+CCID", format!("+CCID: {iccid}")),
    ];
    for (personality, command, answer) in cases {
        let mut bench = Bench::booted_with(personality, Some(sim.clone()));
        bench.quiet_at("AT");
        assert_eq!(
            bench.at(command),
            format!("\r\n{answer}\r\n\r\nOK\r\n"),
            "{personality}"
        );
        assert_eq!(
            bench.at("AT+CRSM=176,12258,0,0,10"),
            format!("\r\n+CRSM: 144,0,\"{swapped}\"\r\n\r\nOK\r\n")
        );
    }
    assert!(
        swapped.starts_with("9844") && swapped.len() == 20,
        "{swapped}"
    );
    let mut e173 = Bench::booted_with(Personality::HuaweiE173, Some(sim));
    e173.quiet_at("AT");
    assert_eq!(e173.at("AT^ICCID?"), "\r\nERROR\r\n");
    assert_eq!(
        e173.at("AT+CRSM=176,28480,0,0,28"),
        "\r\n+CRSM: 106,130\r\n\r\nOK\r\n"
    );
}

#[test]
fn cnum_gives_the_number_only_when_the_sim_stores_it() {
    let mut sim = sim_of(2);
    sim.msisdn_on_sim = true;
    let number = sim.msisdn.clone().unwrap();
    let mut bench = Bench::booted_with(Personality::Generic, Some(sim.clone()));
    bench.quiet_at("AT");
    assert_eq!(
        bench.at("AT+CNUM"),
        format!("\r\n+CNUM: \"\",\"{number}\",145\r\n\r\nOK\r\n")
    );
    sim.msisdn_on_sim = false;
    let mut bench = Bench::booted_with(Personality::Generic, Some(sim));
    bench.quiet_at("AT");
    assert_eq!(bench.at("AT+CNUM"), "\r\nOK\r\n");
}

// ----- network -----------------------------------------------------------------------------

#[test]
fn operator_and_signal_when_registered() {
    let mut bench = Bench::booted(Personality::QuectelEc2x);
    bench.quiet_at("AT");
    assert_eq!(
        bench.at("AT+COPS?"),
        "\r\n+COPS: 0,0,\"MTS RUS\",7\r\n\r\nOK\r\n"
    );
    bench.at("AT+COPS=3,2");
    assert_eq!(
        bench.at("AT+COPS?"),
        "\r\n+COPS: 0,2,\"25001\",7\r\n\r\nOK\r\n"
    );
    let csq = bench.at("AT+CSQ");
    assert!(
        csq.starts_with("\r\n+CSQ: ") && csq.ends_with(",99\r\n\r\nOK\r\n"),
        "{csq:?}"
    );
    assert_ne!(csq, "\r\n+CSQ: 99,99\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CREG?"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
    let mut sim800 = Bench::booted(Personality::SimcomSim800);
    sim800.quiet_at("AT");
    assert_eq!(
        sim800.at("AT+COPS?"),
        "\r\n+COPS: 0,0,\"MTS RUS\"\r\n\r\nOK\r\n"
    );
    assert_eq!(sim800.at("AT+CEREG?"), "\r\nERROR\r\n");
}

#[test]
fn operator_scan_answers_after_a_few_seconds() {
    let mut bench = Bench::booted(Personality::QuectelEc2x);
    bench.quiet_at("AT");
    assert_eq!(bench.at("AT+COPS=?"), "");
    // Busy: the module does not read the port meanwhile.
    assert_eq!(bench.at("AT"), "");
    assert_eq!(
        bench.advance(ms(3000)),
        "\r\n+COPS: (2,\"MTS RUS\",\"MTS\",\"25001\",7),(1,\"Beeline\",\"Beeline\",\"25099\",7),\
         (3,\"MegaFon\",\"MegaFon\",\"25002\",7),,(0,1,2,3,4),(0,1,2)\r\n\r\nOK\r\n"
    );
    assert_eq!(bench.at("AT"), "\r\nOK\r\n");
}

#[test]
fn registration_urcs_follow_creg_n() {
    let mut bench = Bench::booted(Personality::SimcomSim7600);
    bench.quiet_at("AT+CREG=1;+CEREG=2");
    bench.modem.fault(Fault::NotRegistered, bench.now).unwrap();
    assert_eq!(bench.advance(ms(10)), "\r\n+CREG: 2\r\n\r\n+CEREG: 2\r\n");
    assert_eq!(bench.at("AT+CSQ"), "\r\n+CSQ: 99,99\r\n\r\nOK\r\n");
    bench.modem.fault(Fault::Registered, bench.now).unwrap();
    let urcs = bench.advance(ms(10));
    assert!(
        urcs.starts_with("\r\n+CREG: 1\r\n\r\n+CEREG: 1,\""),
        "{urcs:?}"
    );
    assert!(urcs.ends_with("\",7\r\n"), "{urcs:?}");
    let read = bench.at("AT+CEREG?");
    assert!(read.starts_with("\r\n+CEREG: 2,1,\""), "{read:?}");
}

#[test]
fn cfun_takes_the_radio_off_and_cfun_1_1_reboots() {
    let mut bench = Bench::booted(Personality::QuectelEc2x);
    bench.quiet_at("AT+CMGF=1");
    assert_eq!(bench.at("AT+CFUN=4"), "\r\nOK\r\n");
    assert_eq!(bench.at("AT+CREG?"), "\r\n+CREG: 0,0\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CFUN?"), "\r\n+CFUN: 4\r\n\r\nOK\r\n");
    bench.at("AT+CFUN=1");
    bench.advance(ms(1500));
    assert_eq!(bench.at("AT+CREG?"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CFUN=1,1"), "\r\nOK\r\n");
    let boot = bench.advance(ms(3000));
    assert!(boot.starts_with("\r\nRDY\r\n"), "{boot:?}");
    assert!(boot.contains("+QIND: SMS DONE"));
    // Settings are lost: echo is back on, text mode is gone.
    assert_eq!(bench.at("AT+CMGF?"), "AT+CMGF?\r\r\n+CMGF: 0\r\n\r\nOK\r\n");
}

#[test]
fn pin_wrong_three_times_blocks_until_the_puk() {
    let mut sim = sim_of(2);
    sim.pin = Some("1234".to_owned());
    let mut bench = Bench::power_on(Personality::QuectelEc2x, Some(sim));
    let boot = bench.advance(ms(3000));
    assert!(
        boot.contains("+CPIN: SIM PIN") && !boot.contains("SMS DONE"),
        "{boot:?}"
    );
    bench.quiet_at("AT+CMEE=1");
    assert_eq!(bench.at("AT+CPIN?"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CIMI"), "\r\n+CME ERROR: 11\r\n");
    assert_eq!(bench.at("AT+CREG?"), "\r\n+CREG: 0,0\r\n\r\nOK\r\n");
    for _ in 0..3 {
        assert_eq!(bench.at("AT+CPIN=\"0000\""), "\r\n+CME ERROR: 16\r\n");
    }
    assert_eq!(bench.at("AT+CPIN?"), "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CPIN=\"1234\""), "\r\n+CME ERROR: 12\r\n");
    assert_eq!(bench.at("AT+CPIN=\"12345678\",\"4321\""), "\r\nOK\r\n");
    let ready = bench.advance(ms(2000));
    assert!(ready.contains("+QIND: SMS DONE"), "{ready:?}");
    assert_eq!(bench.at("AT+CREG?"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CPIN=\"4321\""), "\r\n+CME ERROR: 3\r\n");
    // After a power cycle the new PIN is asked for.
    bench.modem.power_cycle(bench.now);
    bench.advance(ms(3000));
    bench.quiet_at("AT+CMEE=1");
    assert_eq!(bench.at("AT+CPIN=\"4321\""), "\r\nOK\r\n");
}

#[test]
fn ussd_number_query_answers_later() {
    let sim = sim_of(2);
    let number = sim.msisdn.clone().unwrap();
    let mut bench = Bench::booted_with(Personality::SimcomSim800, Some(sim));
    bench.quiet_at("AT");
    assert_eq!(bench.at("AT+CUSD=1,\"*111*0887#\",15"), "\r\nOK\r\n");
    assert_eq!(bench.advance(ms(1000)), "");
    assert_eq!(
        bench.advance(ms(600)),
        format!("\r\n+CUSD: 0,\"Your number: {number}\",15\r\n")
    );
    bench.at("AT+CUSD=1,\"*999#\",15");
    assert_eq!(bench.advance(ms(2000)), "\r\n+CUSD: 4\r\n");
    // In UCS2 the request and the answer are hex.
    bench.at("AT+CSCS=\"UCS2\"");
    let code = commands::ucs2_hex("*111*0887#");
    bench.at(&format!("AT+CUSD=1,\"{code}\",15"));
    let answer = bench.advance(ms(2000));
    let hex = commands::ucs2_hex(&format!("Your number: {number}"));
    assert_eq!(answer, format!("\r\n+CUSD: 0,\"{hex}\",72\r\n"));
}

#[test]
fn cscs_lists_reads_and_switches_back_from_ucs2_hex() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    assert_eq!(
        bench.at("AT+CSCS=?"),
        "\r\n+CSCS: (\"IRA\",\"GSM\",\"UCS2\")\r\n\r\nOK\r\n"
    );
    bench.at("AT+CSCS=\"UCS2\"");
    assert_eq!(
        bench.at("AT+CSCS?"),
        "\r\n+CSCS: \"0055004300530032\"\r\n\r\nOK\r\n"
    );
    assert_eq!(bench.at("AT+CSCS=\"00470053004D\""), "\r\nOK\r\n");
    assert_eq!(bench.at("AT+CSCS?"), "\r\n+CSCS: \"GSM\"\r\n\r\nOK\r\n");
}

// ----- SMS: storage, listing, reading --------------------------------------------------------

#[test]
fn a_stored_sms_is_announced_listed_read_and_deleted() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT+CMGF=0;+CNMI=2,1,0,0,0;+CPMS=\"SM\",\"SM\",\"SM\"");
    let sms = IncomingSms::new("+4915112345678", "Your code is 123456");
    let pdu = pdu_of(&sms);
    let delivery = bench.deliver(&sms);
    assert_eq!(
        delivery.parts,
        vec![PartFate::Stored {
            storage: Storage::Sm,
            index: 1
        }]
    );
    assert_eq!(bench.advance(ms(1)), "\r\n+CMTI: \"SM\",1\r\n");
    assert_eq!(
        bench.at("AT+CPMS?"),
        "\r\n+CPMS: \"SM\",1,30,\"SM\",1,30,\"SM\",1,30\r\n\r\nOK\r\n"
    );
    let hex = hex::encode_upper(&pdu);
    let length = pdu.len() - 8; // SMSC field: length octet + 7 octets.
    assert_eq!(
        bench.at("AT+CMGL=4"),
        format!("\r\n+CMGL: 1,0,,{length}\r\n{hex}\r\n\r\nOK\r\n")
    );
    // Listed, so read now.
    assert_eq!(
        bench.at("AT+CMGR=1"),
        format!("\r\n+CMGR: 1,,{length}\r\n{hex}\r\n\r\nOK\r\n")
    );
    assert_eq!(bench.at("AT+CMGL=0"), "\r\nOK\r\n");
    assert_eq!(text_of_pdu(&hex), "Your code is 123456");
    assert_eq!(bench.at("AT+CMGD=1"), "\r\nOK\r\n");
    assert_eq!(bench.at("AT+CMGL=4"), "\r\nOK\r\n");
    bench.at("AT+CMEE=1");
    assert_eq!(bench.at("AT+CMGR=1"), "\r\n+CMS ERROR: 321\r\n");
    assert_eq!(bench.at("AT+CMGR=31"), "\r\n+CMS ERROR: 321\r\n");
    assert_eq!(bench.modem.summary().stored, 0);
    // Three listings answered (a test form would not count).
    bench.at("AT+CMGL=?");
    assert_eq!(bench.modem.summary().listings, 3);
}

#[test]
fn test_forms_that_gammu_asks() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    assert_eq!(
        bench.at("AT+CPMS=?"),
        "\r\n+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")\r\n\r\nOK\r\n"
    );
    assert_eq!(bench.at("AT+CMGF=?"), "\r\n+CMGF: (0,1)\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CSMS=?"), "\r\n+CSMS: (0,1)\r\n\r\nOK\r\n");
    assert_eq!(
        bench.at("AT+CNMI=?"),
        "\r\n+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)\r\n\r\nOK\r\n"
    );
    assert_eq!(bench.at("AT+CMGL=?"), "\r\n+CMGL: (0-4)\r\n\r\nOK\r\n");
    bench.at("AT+CMGF=1");
    assert_eq!(
        bench.at("AT+CMGL=?"),
        "\r\n+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\",\"STO SENT\",\"ALL\")\r\n\r\nOK\r\n"
    );
    assert_eq!(bench.at("AT+CSMS?"), "\r\n+CSMS: 0,1,1,1\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CSMS=1"), "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n");
    assert_eq!(
        bench.at("AT+CSCA?"),
        "\r\n+CSCA: \"+79168999100\",145\r\n\r\nOK\r\n"
    );
    assert_eq!(
        bench.at("AT+CPMS=\"ME\""),
        "\r\n+CPMS: 0,100,0,30,0,30\r\n\r\nOK\r\n"
    );
}

#[test]
fn text_mode_lists_sender_time_and_text() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT+CMGF=1");
    bench.deliver(&IncomingSms::new("Google", "G-123456 is your code"));
    bench.advance(ms(1));
    assert_eq!(
        bench.at("AT+CMGL=\"ALL\""),
        "\r\n+CMGL: 1,\"REC UNREAD\",\"Google\",,\"25/03/14,15:09:26+12\"\r\nG-123456 is your code\r\n\r\nOK\r\n"
    );
    assert_eq!(
        bench.at("AT+CMGR=1"),
        "\r\n+CMGR: \"REC READ\",\"Google\",,\"25/03/14,15:09:26+12\"\r\nG-123456 is your code\r\n\r\nOK\r\n"
    );
    bench.deliver(&IncomingSms {
        ucs2: true,
        ..IncomingSms::new("1234", "Код")
    });
    bench.advance(ms(1));
    assert_eq!(
        bench.at("AT+CMGL"),
        "\r\n+CMGL: 2,\"REC UNREAD\",\"1234\",,\"25/03/14,15:09:26+12\"\r\n041A043E0434\r\n\r\nOK\r\n"
    );
}

#[test]
fn huawei_counts_from_zero_and_chatters_between_entries() {
    let mut bench = Bench::booted(Personality::HuaweiE173);
    bench.quiet_at("AT+CNMI=2,1,0,0,0");
    let mut hexes = Vec::new();
    for n in 0..3 {
        let sms = IncomingSms::new("+79161112233", format!("code {n}"));
        hexes.push(hex::encode_upper(pdu_of(&sms)));
        bench.deliver(&sms);
    }
    assert_eq!(
        bench.advance(ms(1)),
        "\r\n+CMTI: \"SM\",0\r\n\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n"
    );
    let listing = bench.at("AT+CMGL=4");
    let rssi = bench.modem.network.rssi;
    let expected = format!(
        "\r\n+CMGL: 0,0,,{len}\r\n{}\r\n+CMGL: 1,0,,{len}\r\n{}\r\n^RSSI:{rssi}\r\n+CMGL: 2,0,,{len}\r\n{}\r\n\r\n\r\nOK\r\n",
        hexes[0],
        hexes[1],
        hexes[2],
        len = hexes[0].len() / 2 - 8
    );
    assert_eq!(listing, expected);
    // ^CURC=0 (what gammu sends to Huawei) stops the chatter, periodic lines too.
    bench.at("AT^CURC=0");
    assert!(!bench.at("AT+CMGL=4").contains("^RSSI"));
    assert_eq!(bench.advance(Duration::from_secs(60)), "");
    bench.at("AT^CURC=1");
    let chatter = bench.advance(Duration::from_secs(40));
    assert!(
        chatter.contains("^RSSI:") && chatter.contains("^BOOT:"),
        "{chatter:?}"
    );
}

#[test]
fn quectel_stores_in_me_when_the_host_sets_only_two_memories() {
    let mut bench = Bench::booted(Personality::QuectelEc2x);
    bench.quiet_at("AT+CMEE=1");
    assert_eq!(
        bench.at("AT+CPMS?"),
        "\r\n+CPMS: \"ME\",0,255,\"ME\",0,255,\"ME\",0,255\r\n\r\nOK\r\n"
    );
    assert_eq!(
        bench.at("AT+CPMS=\"SM\",\"SM\""),
        "\r\n+CPMS: 0,30,0,30,0,255\r\n\r\nOK\r\n"
    );
    bench.deliver(&IncomingSms::new("+79161112233", "code 1"));
    assert_eq!(bench.advance(ms(1)), "\r\n+CMTI: \"ME\",1\r\n");
    // Reading index 1 of SM finds nothing: a bare OK on Quectel.
    assert_eq!(bench.at("AT+CMGR=1"), "\r\nOK\r\n");
    bench.at("AT+CPMS=\"ME\"");
    assert!(bench.at("AT+CMGR=1").starts_with("\r\n+CMGR: 0,,"));
}

#[test]
fn multipart_sms_arrives_as_parts_that_reassemble() {
    let mut bench = Bench::booted(Personality::SimcomSim7600);
    bench.quiet_at("AT+CNMI=2,1,0,0,0");
    let sms = IncomingSms {
        parts: Some(3),
        shuffle: true,
        ..IncomingSms::new(
            "+4915112345678",
            "Your verification code is 998877. Do not share it.",
        )
    };
    let delivery = bench.deliver(&sms);
    assert_eq!(delivery.parts.len(), 3);
    assert_eq!(delivery.outcomes()[2], "stored SM 3");
    let listing = bench.at("AT+CMGL=4");
    let mut parts: Vec<(u8, String)> = listing
        .lines()
        .filter(|line| line.len() > 40)
        .map(|hex| match Pdu::decode_hex(hex).unwrap().message {
            Message::Deliver(deliver) => (
                deliver
                    .user_data
                    .header
                    .unwrap()
                    .concatenation
                    .unwrap()
                    .sequence,
                deliver.user_data.text.unwrap(),
            ),
            _ => panic!("not a deliver"),
        })
        .collect();
    assert_ne!(
        parts.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    parts.sort();
    let text: String = parts.into_iter().map(|(_, text)| text).collect();
    assert_eq!(text, "Your verification code is 998877. Do not share it.");
}

// ----- SMS: routing and +CNMA -----------------------------------------------------------------

#[test]
fn routed_sms_with_csms_1_needs_cnma() {
    let mut bench = Bench::booted(Personality::QuectelEc2x);
    bench.quiet_at("AT+CMEE=1;+CSMS=1;+CNMI=2,2,0,0,0");
    assert_eq!(bench.at("AT+CNMA"), "\r\n+CMS ERROR: 340\r\n");
    let first = IncomingSms::new("+79161112233", "one");
    let second = IncomingSms::new("+79161112233", "two");
    assert_eq!(bench.deliver(&first).parts, vec![PartFate::Routed]);
    let pdu = pdu_of(&first);
    assert_eq!(
        bench.advance(ms(1)),
        format!(
            "\r\n+CMT: ,{}\r\n{}\r\n",
            pdu.len() - 8,
            hex::encode_upper(&pdu)
        )
    );
    // The next waits at the network until the first is acknowledged.
    assert_eq!(
        bench.deliver(&second).parts,
        vec![PartFate::Queued(QueueReason::AwaitingAck)]
    );
    assert_eq!(bench.at("AT+CNMA"), "\r\nOK\r\n");
    let next = bench.advance(ms(100));
    assert!(next.starts_with("\r\n+CMT: ,"), "{next:?}");
    assert_eq!(bench.at("AT+CNMA"), "\r\nOK\r\n");
    assert_eq!(bench.modem.summary().stored, 0);
}

#[test]
fn a_missing_cnma_turns_routing_off_and_the_message_is_stored_later() {
    let mut bench = Bench::booted(Personality::SimcomSim7600);
    bench.quiet_at("AT+CSMS=1;+CNMI=2,2,0,1,0");
    bench.deliver(&IncomingSms::new("+79161112233", "unacknowledged"));
    assert!(bench.advance(ms(1)).starts_with("\r\n+CMT: ,"));
    assert_eq!(bench.advance(ms(14_000)), "");
    // TS 27.005 §3.4.1: routing is switched off silently (mt and ds to 0).
    bench.advance(ms(1_100));
    assert_eq!(bench.at("AT+CNMI?"), "\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n");
    // The network retried; with mt=0 the message is stored without a word.
    assert_eq!(bench.advance(ms(2000)), "");
    let listing = bench.at("AT+CMGL=4");
    assert!(listing.starts_with("\r\n+CMGL: 1,0,,"), "{listing:?}");
    assert_eq!(bench.modem.summary().stored, 1);
}

#[test]
fn class_2_goes_to_the_sim_even_when_routing() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT+CNMI=2,2,0,0,0;+CPMS=\"ME\",\"ME\",\"ME\"");
    let delivery = bench.deliver(&IncomingSms {
        class: Some(MessageClass::Class2),
        ..IncomingSms::new("+79161112233", "to the SIM")
    });
    assert_eq!(
        delivery.parts,
        vec![PartFate::Stored {
            storage: Storage::Sm,
            index: 1
        }]
    );
    assert_eq!(bench.advance(ms(1)), "\r\n+CMTI: \"SM\",1\r\n");
}

#[test]
fn e173_routes_and_keeps_a_copy() {
    let mut bench = Bench::booted(Personality::HuaweiE173);
    bench.quiet_at("AT+CNMI=2,2,0,0,0");
    let delivery = bench.deliver(&IncomingSms::new("+79161112233", "both"));
    assert_eq!(
        delivery.parts,
        vec![PartFate::RoutedAndStored {
            storage: Storage::Sm,
            index: 0
        }]
    );
    assert!(bench.advance(ms(1)).starts_with("\r\n+CMT: ,"));
}

// ----- SMS: full storage ------------------------------------------------------------------------

#[test]
fn a_full_storage_holds_messages_at_the_network_until_space_is_freed() {
    let mut bench = Bench::booted(Personality::HuaweiE3372);
    bench.quiet_at("AT+CMEE=1;+CNMI=2,1,0,0,0");
    bench.modem.fault(Fault::StorageFull, bench.now).unwrap();
    assert!(
        bench
            .modem
            .summary()
            .faults
            .contains(&"storage-full".to_owned())
    );
    assert_eq!(
        bench.at("AT+CPMS?"),
        "\r\n+CPMS: \"SM\",50,50,\"SM\",50,50,\"SM\",50,50\r\n\r\nOK\r\n"
    );
    let delivery = bench.deliver(&IncomingSms::new("+79161112233", "wait for me"));
    assert_eq!(
        delivery.parts,
        vec![PartFate::Queued(QueueReason::StorageFull)]
    );
    assert_eq!(bench.advance(ms(1)), "\r\n^SMMEMFULL: \"SM\"\r\n");
    // A write is refused too.
    assert_eq!(bench.at("AT+CMGW=13"), "\r\n> ");
    assert_eq!(
        bench.write(b"0001000B919761112233F3000000\x1a"),
        "\r\n+CMS ERROR: 322\r\n"
    );
    assert_eq!(bench.at("AT+CMGD=0"), "\r\nOK\r\n");
    assert_eq!(bench.advance(ms(1000)), "\r\n+CMTI: \"SM\",0\r\n");
    let read = bench.at("AT+CMGR=0");
    let hex = read.lines().nth(2).unwrap();
    assert_eq!(text_of_pdu(hex), "wait for me");
}

#[test]
fn delete_flags_clear_read_messages() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT+CNMI=2,1,0,0,0");
    for n in 0..3 {
        bench.deliver(&IncomingSms::new("+79161112233", format!("m{n}")));
    }
    bench.advance(ms(1));
    bench.at("AT+CMGR=2");
    assert_eq!(
        bench.at("AT+CMGD=?"),
        "\r\n+CMGD: (1,2,3),(0-4)\r\n\r\nOK\r\n"
    );
    bench.at("AT+CMGD=1,1");
    assert_eq!(
        bench.at("AT+CMGD=?"),
        "\r\n+CMGD: (1,3),(0-4)\r\n\r\nOK\r\n"
    );
    bench.at("AT+CMGD=1,4");
    assert_eq!(bench.at("AT+CMGD=?"), "\r\n+CMGD: (),(0-4)\r\n\r\nOK\r\n");
}

// ----- SMS: writing and sending -------------------------------------------------------------------

#[test]
fn cmgw_prompts_stores_and_esc_cancels() {
    let mut bench = Bench::booted(Personality::SimcomSim800);
    bench.quiet_at("AT+CMEE=1");
    // SMS-SUBMIT to +79161122333, "hi" in 7-bit: 13 octets of TPDU after the empty SMSC.
    let pdu = "0001000B919761112233F3000002E834";
    assert_eq!(bench.at("AT+CMGW=14"), "\r\n> ");
    assert_eq!(
        bench.write(format!("{pdu}\x1a").as_bytes()),
        "\r\n+CMS ERROR: 304\r\n"
    );
    assert_eq!(bench.at("AT+CMGW=15"), "\r\n> ");
    assert_eq!(
        bench.write(format!("{pdu}\x1a").as_bytes()),
        "\r\n+CMGW: 1\r\n\r\nOK\r\n"
    );
    assert_eq!(
        bench.at("AT+CMGL=4"),
        format!("\r\n+CMGL: 1,2,,15\r\n{pdu}\r\n\r\n\r\nOK\r\n")
    );
    assert_eq!(bench.at("AT+CMGW=15"), "\r\n> ");
    assert_eq!(bench.write(b"0001\x1b"), "\r\nOK\r\n");
    assert_eq!(bench.modem.summary().stored, 1);
}

#[test]
fn cmgs_answers_after_the_network_and_reports_delivery() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.at("AT+CNMI=2,1,0,1,0");
    let prompt = bench.at("AT+CMGS=15");
    assert_eq!(prompt, "AT+CMGS=15\r\r\n> ");
    // TP-SRR set: 0x21.
    let pdu = "0021000B919761112233F3000002E834";
    assert_eq!(
        bench.write(format!("{pdu}\x1a").as_bytes()),
        format!("{pdu}\x1a")
    );
    let sent = bench.advance(ms(1500));
    assert!(
        sent.starts_with("\r\n+CMGS: ") && sent.ends_with("\r\n\r\nOK\r\n"),
        "{sent:?}"
    );
    let report = bench.advance(ms(3000));
    let hex = report.lines().nth(2).unwrap();
    assert!(report.starts_with("\r\n+CDS: "), "{report:?}");
    let Message::StatusReport(status) = Pdu::decode_hex(hex).unwrap().message else {
        panic!("not a status report");
    };
    assert_eq!(status.recipient.value, "+79161122333");
    assert_eq!(status.status, 0);
}

#[test]
fn text_mode_cmgw_builds_a_submit() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT+CMGF=1");
    assert_eq!(bench.at("AT+CMGW=\"+79161112233\""), "\r\n> ");
    assert_eq!(
        bench.write(b"line one\rline two\x1a"),
        "\r\n> \r\n+CMGW: 1\r\n\r\nOK\r\n"
    );
    assert_eq!(
        bench.at("AT+CMGR=1"),
        "\r\n+CMGR: \"STO UNSENT\",\"+79161112233\",\r\nline one\nline two\r\n\r\nOK\r\n"
    );
}

// ----- faults --------------------------------------------------------------------------------

#[test]
fn a_hung_modem_says_nothing_until_cleared() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    bench.modem.fault(Fault::Hang, bench.now).unwrap();
    assert_eq!(bench.at("AT"), "");
    assert_eq!(bench.modem.next_wakeup(), None);
    assert_eq!(bench.modem.summary().faults, vec!["hang".to_owned()]);
    let delivery = bench.deliver(&IncomingSms::new("+79161112233", "later"));
    assert_eq!(
        delivery.parts,
        vec![PartFate::Queued(QueueReason::ModemUnavailable)]
    );
    bench.modem.fault(Fault::Clear, bench.now).unwrap();
    assert_eq!(bench.at("AT"), "\r\nOK\r\n");
    // The held message arrives once the network retries.
    assert_eq!(bench.modem.summary().stored, 0);
    bench.advance(ms(1000));
    assert_eq!(bench.modem.summary().stored, 1);
}

#[test]
fn power_cycle_clears_a_hang_and_keeps_messages() {
    let mut bench = Bench::booted(Personality::SimcomSim800);
    bench.deliver(&IncomingSms::new("+79161112233", "keep me"));
    bench.modem.fault(Fault::Hang, bench.now).unwrap();
    bench.modem.power_cycle(bench.now);
    let boot = bench.advance(ms(3000));
    assert!(
        boot.contains("RDY") && boot.contains("SMS Ready"),
        "{boot:?}"
    );
    assert_eq!(bench.modem.summary().stored, 1);
    assert!(bench.modem.summary().faults.is_empty());
}

#[test]
fn garbage_is_noise_then_service_resumes() {
    let mut bench = Bench::booted(Personality::QuectelEc2x);
    bench.quiet_at("AT");
    bench.modem.fault(Fault::Garbage, bench.now).unwrap();
    let noise = bench.modem.poll_output(bench.now);
    assert!(noise.len() >= 64);
    assert!(noise.iter().any(|&b| !b.is_ascii_graphic()));
    let text = String::from_utf8_lossy(&noise);
    assert!(!text.contains("OK") && !text.contains("ERROR"));
    assert_eq!(bench.at("AT"), "\r\nOK\r\n");
}

#[test]
fn reboot_fault_replays_the_boot_and_resets_settings() {
    let mut bench = Bench::booted(Personality::HuaweiE3372);
    bench.quiet_at("AT+CMGF=1");
    bench.modem.fault(Fault::Reboot, bench.now).unwrap();
    assert_eq!(bench.advance(ms(1000)), "\r\n^SIMST:1\r\n");
    assert_eq!(bench.at("AT+CMGF?"), "AT+CMGF?\r\r\n+CMGF: 0\r\n\r\nOK\r\n");
}

#[test]
fn sim_removal_insertion_and_swap() {
    let mut bench = Bench::booted(Personality::SimcomSim7600);
    bench.quiet_at("AT+CMEE=1;+CREG=1");
    bench.deliver(&IncomingSms::new("+79161112233", "on the old SIM"));
    bench.advance(ms(1));
    let old = bench.modem.summary();
    bench.modem.fault(Fault::SimRemove, bench.now).unwrap();
    assert_eq!(
        bench.advance(ms(1)),
        "\r\n+SIMCARD: NOT AVAILABLE\r\n\r\n+CREG: 0\r\n"
    );
    assert_eq!(bench.modem.summary().faults, vec!["no-sim".to_owned()]);
    assert_eq!(bench.at("AT+CIMI"), "\r\n+CME ERROR: 10\r\n");
    assert_eq!(bench.at("AT+CMGL=4"), "\r\n+CMS ERROR: 310\r\n");
    assert_eq!(
        bench
            .deliver(&IncomingSms::new("+79161112233", "held"))
            .parts,
        vec![PartFate::Queued(QueueReason::NoSim)]
    );
    assert_eq!(
        bench.modem.fault(Fault::SimRemove, bench.now),
        Err(FaultError::NoSim)
    );
    bench.modem.fault(Fault::SimInsert, bench.now).unwrap();
    let back = bench.advance(ms(2500));
    assert_eq!(
        back,
        "\r\n+CPIN: READY\r\n\r\n+CREG: 2\r\n\r\nSMS DONE\r\n\r\n+CREG: 1\r\n\r\n+CMTI: \"SM\",2\r\n\r\nPB DONE\r\n"
    );
    assert_eq!(bench.modem.summary().stored, 2);
    assert_eq!(
        bench.modem.fault(Fault::SimInsert, bench.now),
        Err(FaultError::SimPresent)
    );

    let new_sim = SimIdentity::generate_swapped(1, 0, 1);
    bench
        .modem
        .fault(Fault::SimSwap(new_sim.clone()), bench.now)
        .unwrap();
    bench.advance(ms(2500));
    let swapped = bench.modem.summary();
    assert_eq!(swapped.iccid, Some(new_sim.iccid.clone()));
    assert_ne!(swapped.iccid, old.iccid);
    assert_eq!(swapped.stored, 0);
    assert_eq!(
        bench.at("AT+CIMI"),
        format!("\r\n{}\r\n\r\nOK\r\n", new_sim.imsi)
    );
}

#[test]
fn slow_delays_every_response() {
    let mut bench = Bench::booted(Personality::Generic);
    bench.quiet_at("AT");
    bench.modem.fault(Fault::Slow(ms(800)), bench.now).unwrap();
    assert_eq!(bench.at("AT"), "");
    assert_eq!(bench.advance(ms(799)), "");
    assert_eq!(bench.advance(ms(1)), "\r\nOK\r\n");
    assert_eq!(bench.modem.summary().faults, vec!["slow".to_owned()]);
    bench.modem.fault(Fault::Clear, bench.now).unwrap();
    assert_eq!(bench.at("AT"), "\r\nOK\r\n");
    // An absurd delay is clamped rather than overflowing the clock.
    bench
        .modem
        .fault(Fault::Slow(Duration::MAX), bench.now)
        .unwrap();
    assert_eq!(bench.at("AT"), "");
    assert_eq!(bench.advance(Duration::from_secs(3600)), "\r\nOK\r\n");
}

#[test]
fn not_registered_holds_sms_at_the_network() {
    let mut bench = Bench::booted(Personality::QuectelEc2x);
    bench.quiet_at("AT+CPMS=\"SM\",\"SM\",\"SM\"");
    bench.modem.fault(Fault::NotRegistered, bench.now).unwrap();
    assert_eq!(
        bench.modem.summary().faults,
        vec!["not-registered".to_owned()]
    );
    let delivery = bench.deliver(&IncomingSms {
        parts: Some(2),
        ..IncomingSms::new("+79161112233", "two parts")
    });
    assert_eq!(
        delivery.parts,
        vec![PartFate::Queued(QueueReason::NotRegistered); 2]
    );
    bench.modem.fault(Fault::Registered, bench.now).unwrap();
    assert_eq!(
        bench.advance(ms(1)),
        "\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n"
    );
}

#[test]
fn storage_full_without_sim_is_refused() {
    let mut bench = Bench::booted_with(Personality::Generic, None);
    assert_eq!(
        bench.modem.fault(Fault::StorageFull, bench.now),
        Err(FaultError::NoSim)
    );
    assert_eq!(
        bench.modem.fault(Fault::SimInsert, bench.now),
        Err(FaultError::NothingToInsert)
    );
}

// ----- gammu ---------------------------------------------------------------------------------

/// The commands `gammu identify` and `gammu getallsms` (1.42, `connection = at`) sent to
/// these personalities through a pseudo-terminal, in order, with the answers gammu needs:
/// `ERROR` only where it probes for features (Motorola mode, OBEX, SyncML), `OK` elsewhere,
/// and the stored message in one of its two listings (ME first, then SM).
#[test]
fn gammu_session_reads_every_personality() {
    for personality in Personality::ALL {
        let mut bench = Bench::booted(personality);
        bench.deliver(&IncomingSms::new("+4915112345678", "Your code is 123450"));
        bench.advance(ms(1));
        let mut session = vec![
            ("AT", true),
            ("ATE1", true),
            ("AT+MODE=2", false),
            ("AT+CMEE=1", true),
            ("AT+CSCS?", true),
            ("AT+CSCS=?", true),
            ("AT+CSCS=\"GSM\"", true),
            ("AT+CGMM", true),
            ("AT+CGMI", true),
            ("AT+CPROT=?", false),
            ("AT+SYNCML=?", false),
            ("AT$TSSPCSW=?", false),
            ("AT+CHUP=?", false),
            ("AT+CGMR", true),
            ("AT+CGSN", true),
            ("AT+CIMI", true),
            ("AT+CFUN=1", true),
        ];
        if personality.profile().manufacturer == "huawei" {
            session.extend([
                ("AT^CURC=0", true),
                ("AT+CFUN=1", true),
                ("AT^PORTSEL=1", true),
            ]);
        }
        session.extend([
            ("AT+CPMS=?", true),
            ("AT+CPMS=\"ME\"", true),
            ("AT+CMGF=0", true),
            ("AT+CPMS=\"SM\",\"SM\"", true),
            ("AT+CPMS=\"ME\",\"ME\"", true),
            ("AT+CPMS=\"SM\"", true),
            ("AT+CMGL=4", true),
            ("AT+CPMS=\"SM\",\"SM\"", true),
            ("AT+CPMS=\"ME\",\"ME\"", true),
            ("AT+CMGL=4", true),
        ]);
        let mut listings = String::new();
        let quirks = personality.profile().quirks;
        for (command, succeeds) in session {
            let answer = bench.at(command);
            let answer = quirks
                .glued_before_echo
                .and_then(|glued| answer.strip_prefix(glued))
                .map_or(answer.clone(), str::to_owned);
            if !quirks.never_echoes {
                assert!(
                    answer.starts_with(&format!("{command}\r")),
                    "{personality}: {answer:?}"
                );
            }
            let succeeds = succeeds && !(command == "AT" && quirks.bare_at_error);
            let failure = if quirks.command_not_support && command != "AT" {
                "\r\nCOMMAND NOT SUPPORT\r\n"
            } else {
                "\r\nERROR\r\n"
            };
            let expected = if succeeds { "\r\nOK\r\n" } else { failure };
            // The listing of the store that is empty, on a modem that says so with an error.
            let empty_listing = quirks
                .empty_listing_error
                .map(|code| format!("\r\n+CMS ERROR: {code}\r\n"))
                .filter(|error| command == "AT+CMGL=4" && answer.ends_with(error.as_str()));
            assert!(
                answer.ends_with(expected) || empty_listing.is_some(),
                "{personality}: {command} → {answer:?}"
            );
            if command == "AT+CMGL=4" {
                listings.push_str(&answer);
            }
        }
        let hex = listings
            .lines()
            .find(|line| line.len() > 40)
            .unwrap_or_else(|| panic!("{personality}: nothing listed"));
        assert_eq!(text_of_pdu(hex), "Your code is 123450", "{personality}");
    }
}

// ----- robustness ------------------------------------------------------------------------------

/// Random chunks, random faults and random deliveries into every personality: nothing
/// panics, time moves on, and the modem still answers afterwards.
#[test]
fn random_input_never_panics() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let alphabet: &[u8] = b"AT+CMGLRSDFW=?;,\"0123456789\r\n\x08\x1a\x1b/^QCIE&";
    for personality in Personality::ALL {
        let mut bench = Bench::power_on(personality, Some(sim_of(personality as usize % 8)));
        bench.advance(ms(3000));
        let mut produced = 0;
        for round in 0..3000 {
            let len = rng.below(24);
            let chunk: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.below(2) == 0 {
                        alphabet[rng.below(alphabet.len())]
                    } else {
                        rng.next_u64() as u8
                    }
                })
                .collect();
            bench.modem.receive(&chunk, bench.now);
            produced += bench.advance(ms(rng.below(300) as u64)).len();
            if round % 97 == 0 {
                let fault = match rng.below(9) {
                    0 => Fault::Garbage,
                    1 => Fault::SimRemove,
                    2 => Fault::SimInsert,
                    3 => Fault::StorageFull,
                    4 => Fault::NotRegistered,
                    5 => Fault::Registered,
                    6 => Fault::Slow(ms(50)),
                    7 => Fault::Clear,
                    _ => Fault::Reboot,
                };
                let _ = bench.modem.fault(fault, bench.now);
            }
            if round % 53 == 0 {
                let mut pdu = vec![0u8; rng.below(40)];
                pdu.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
                bench.modem.deliver(vec![pdu], bench.now);
                bench.deliver(&IncomingSms::new("+79161112233", "fuzz"));
            }
        }
        // Echo is most of what comes out; a modem that never echoes says less.
        let least = if personality.profile().quirks.never_echoes {
            500
        } else {
            10_000
        };
        assert!(produced > least, "{personality}: only {produced} bytes out");
        bench.modem.fault(Fault::Clear, bench.now).unwrap();
        bench.modem.power_cycle(bench.now);
        bench.advance(ms(5000));
        // Still answering: an echo and OK, or this quirk's answer to a bare AT.
        let quirks = personality.profile().quirks;
        let answer = if quirks.bare_at_error {
            "\r\nERROR\r\n"
        } else if quirks.echo_doubled {
            "AT\rAT\r\r\nOK\r\n"
        } else {
            "AT\r\r\nOK\r\n"
        };
        let got = bench.at("AT");
        // A glued line may come first, every third command.
        let got = quirks
            .glued_before_echo
            .and_then(|glued| got.strip_prefix(glued))
            .map_or(got.clone(), str::to_owned);
        assert_eq!(got, answer, "{personality}");
    }
}

/// The terse modem: `ERROR` to a bare `AT`, no echo whatever `ATE` says, `+CMS ERROR: 321`
/// for an empty store, `COMMAND NOT SUPPORT` for an unknown command; and SMS all the same.
#[test]
fn the_terse_modem_answers_as_its_quirks_say() {
    let mut bench = Bench::booted(Personality::Terse);
    assert_eq!(bench.at("AT"), "\r\nERROR\r\n");
    assert_eq!(bench.at("ATE1"), "\r\nOK\r\n");
    assert_eq!(bench.at("AT+CGMI"), "\r\nTerse\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CPROT=?"), "\r\nCOMMAND NOT SUPPORT\r\n");
    assert_eq!(bench.at("AT+CMEE=1"), "\r\nOK\r\n");
    assert_eq!(bench.at("AT+CMGL=4"), "\r\n+CMS ERROR: 321\r\n");
    bench.deliver(&IncomingSms::new("+4915112345678", "Your code is 123450"));
    bench.advance(ms(1));
    let listing = bench.at("AT+CMGL=4");
    assert!(listing.starts_with("\r\n+CMGL: 1,0,,"), "{listing:?}");
    assert!(listing.ends_with("\r\nOK\r\n"), "{listing:?}");
}

/// The stubborn modem: its echo ignores `ATE0`, is printed twice, and every third command
/// has an unsolicited line glued in front of it; it boots with `*ATREADY: 1`.
#[test]
fn the_stubborn_modem_echoes_as_its_quirks_say() {
    let mut bench = Bench::power_on(Personality::Stubborn, Some(sim_of(2)));
    let boot = bench.advance(Duration::from_secs(5));
    assert!(boot.contains("\r\n*ATREADY: 1\r\n"), "{boot:?}");
    assert_eq!(bench.at("ATE0"), "ATE0\rATE0\r\r\nOK\r\n");
    assert_eq!(
        bench.at("AT+CGMI"),
        "AT+CGMI\rAT+CGMI\r\r\nStubborn\r\n\r\nOK\r\n"
    );
    let csq = bench.at("AT+CSQ");
    assert!(
        csq.starts_with("+CIEV: \"signal\",3AT+CSQ\rAT+CSQ\r\r\n+CSQ: ")
            && csq.ends_with("\r\n\r\nOK\r\n"),
        "{csq:?}"
    );
    // The next two commands have no glued line.
    assert_eq!(bench.at("AT"), "AT\rAT\r\r\nOK\r\n");
}

/// The cluttered modem: `""` for an empty alpha and a space after each comma, a URC after
/// every listing entry, and a bare `OK` at the first read of a new message.
#[test]
fn the_cluttered_modem_lists_as_its_quirks_say() {
    let mut bench = Bench::booted(Personality::Cluttered);
    bench.at("ATE0");
    assert_eq!(bench.at("AT+CPMS?").matches(", ").count(), 8);
    bench.deliver(&IncomingSms::new("+4915112345678", "Your code is 123450"));
    bench.advance(ms(1));
    assert_eq!(bench.at("AT+CMGR=1"), "\r\nOK\r\n");
    let read = bench.at("AT+CMGR=1");
    assert!(read.starts_with("\r\n+CMGR: 0, \"\", "), "{read:?}");
    let listing = bench.at("AT+CMGL=4");
    assert!(
        listing.starts_with("\r\n+CMGL: 1, 1, \"\", "),
        "{listing:?}"
    );
    assert!(
        listing.ends_with("\r\n+CIEV: \"MESSAGE\", 1\r\n\r\nOK\r\n"),
        "{listing:?}"
    );
}

/// The cluttered modem answers `+CREG?` in the URC's shape until `+CREG=<n>` is set.
#[test]
fn the_cluttered_modems_registration_read_lacks_n_until_set() {
    let mut bench = Bench::booted(Personality::Cluttered);
    bench.at("ATE0");
    assert_eq!(bench.at("AT+CREG?"), "\r\n+CREG: 1\r\n\r\nOK\r\n");
    assert_eq!(bench.at("AT+CREG=1"), "\r\nOK\r\n");
    assert_eq!(bench.at("AT+CREG?"), "\r\n+CREG: 1, 1\r\n\r\nOK\r\n");
}
