"""Telephony adapters: the Twilio client, TwiML rendering, signatures, and the Twilio simulator."""
