"""The rules of telling partners, without a store: when to retry, how to sign, where mail goes."""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from needs.outbox import delivery_id_for
from web.tasks.delivery import FIRST_DELAY, LONGEST_DELAY, MAX_ATTEMPTS, retry_delay, signature
from web.tasks.mail import SmtpSettings, email_in
from web.tasks.timing import TaskClock, acting_at, parse_moment


def test_the_wait_doubles_after_each_failure_up_to_six_hours():
    rng = random.Random(7)
    waits = [retry_delay(n, rng) for n in range(1, MAX_ATTEMPTS)]
    for n, wait in enumerate(waits, start=1):
        base = min(FIRST_DELAY * 2 ** (n - 1), LONGEST_DELAY)
        assert base * 0.75 <= wait <= base
    assert waits[0] <= timedelta(seconds=30)
    assert max(waits) <= timedelta(hours=6)


def test_the_attempts_span_about_a_day_whatever_the_jitter():
    for seed in range(50):
        rng = random.Random(seed)
        total = sum((retry_delay(n, rng) for n in range(1, MAX_ATTEMPTS)), timedelta())
        assert timedelta(hours=14) <= total <= timedelta(hours=27)


def test_jitter_spreads_the_retries_of_failures_that_happened_together():
    waits = {retry_delay(5, random.Random(seed)) for seed in range(20)}
    assert len(waits) == 20


def test_the_signature_is_an_hmac_of_the_time_and_the_raw_body_keyed_with_the_secret():
    body = '{"event":"referral.sent","note":"请医生上门"}'.encode()
    header = signature("s3cret", body, 1_796_000_000)
    t, v1 = (part.split("=", 1)[1] for part in header.split(","))
    assert t == "1796000000"
    expected = hmac.new(b"s3cret", b"1796000000." + body, hashlib.sha256).hexdigest()
    assert v1 == expected
    assert header == f"t=1796000000,v1={expected}"


def test_a_changed_body_or_time_gives_another_signature():
    body = b'{"a":1}'
    assert signature("k", body, 1) != signature("k", b'{"a":2}', 1)
    assert signature("k", body, 1) != signature("k", body, 2)
    assert signature("k", body, 1) != signature("other", body, 1)


def test_one_notice_of_one_referral_always_has_the_same_delivery_id():
    referral = uuid4()
    assert delivery_id_for(referral, "referral.sent") == delivery_id_for(referral, "referral.sent")
    assert delivery_id_for(referral, "referral.sent") != delivery_id_for(
        referral, "referral.expired"
    )


def test_an_email_address_is_found_in_a_partners_contact_text():
    assert (
        email_in("王主任 021-5555 1234, wang.zr@liqun-hospital.cn") == "wang.zr@liqun-hospital.cn"
    )
    assert email_in("电话 021-5555 1234") is None
    assert email_in("") is None


def test_smtp_is_configured_by_url_or_by_host():
    by_url = SmtpSettings.from_config(
        {"SMTP_URL": "smtp://mailer:p%40ss@mail.example.org:587?starttls=1", "SMTP_FROM": "a@b.c"}
    )
    assert by_url == SmtpSettings(
        host="mail.example.org",
        port=587,
        username="mailer",
        password="p@ss",
        starttls=True,
        sender="a@b.c",
    )
    assert SmtpSettings.from_config({"SMTP_URL": "smtps://mail.example.org"}).port == 465
    assert SmtpSettings.from_config({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "2525"}).port == 2525
    assert SmtpSettings.from_config({}) is None
    with pytest.raises(ValueError, match="SMTP_URL"):
        SmtpSettings.from_config({"SMTP_URL": "http://mail.example.org"})


def test_a_task_clock_tells_the_moment_a_task_acts_at_and_the_real_time_otherwise():
    moment = datetime(2026, 11, 30, 3, 1, tzinfo=UTC)
    clock = TaskClock()
    with acting_at(moment):
        assert clock.now() == moment
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    with acting_at(None):
        assert clock.now() != moment


def test_a_tasks_now_must_carry_its_offset():
    assert parse_moment("2026-11-30T11:01:00+08:00") == datetime(2026, 11, 30, 3, 1, tzinfo=UTC)
    assert parse_moment(None) is None
    with pytest.raises(ValueError, match="offset"):
        parse_moment("2026-11-30T11:01:00")
