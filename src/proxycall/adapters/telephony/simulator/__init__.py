"""A local fake of Twilio's Calls API that plays Twilio's part in a call, with scripted callees.

Inside the service (one process; the simulator POSTs to the service's own /twilio/* over HTTP):

    simulator = TwilioSimulator(auth_token, pace=settings.simulator_pace)
    app.mount("/_twilio_sim", create_simulator_app(simulator))
    telephony = TwilioTelephony(simulator.account_sid, auth_token,
                                base_url=f"http://127.0.0.1:{port}/_twilio_sim")
    ...  # on shutdown (a mounted app's lifespan does not run):
    await simulator.aclose()

As its own process: `run_simulator(host, port, auth_token=..., pace=0.3)`.
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
