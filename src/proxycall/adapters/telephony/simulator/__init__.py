"""A local fake of Twilio's Calls API that plays Twilio's part in a call, with scripted callees.

    simulator = TwilioSimulator(auth_token, pace=0.0)
    app.mount("/_twilio_sim", create_simulator_app(simulator))
    TwilioTelephony(simulator.account_sid, auth_token, base_url="http://127.0.0.1:PORT/_twilio_sim")
"""

from proxycall.adapters.telephony.simulator.app import create_simulator_app, run_simulator
from proxycall.adapters.telephony.simulator.personas import PERSONAS, PersonaDirectory
from proxycall.adapters.telephony.simulator.records import Line, SentRequest, SimulatedCall
from proxycall.adapters.telephony.simulator.simulator import (
    DEFAULT_ACCOUNT_SID,
    SimulatorError,
    TwilioSimulator,
)

__all__ = [
    "DEFAULT_ACCOUNT_SID",
    "PERSONAS",
    "Line",
    "PersonaDirectory",
    "SentRequest",
    "SimulatedCall",
    "SimulatorError",
    "TwilioSimulator",
    "create_simulator_app",
    "run_simulator",
]
