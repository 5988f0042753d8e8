"""CANCEL_APPOINTMENT: cancel a booking with a business."""

from proxycall.core.agents.spec import (
    AgentSpec,
    BriefSpec,
    CallTiming,
    CardSpec,
    Condition,
    DialogSpec,
    DialogStep,
    InputType,
    OutcomeField,
    PhoneFlow,
    PhoneSource,
    PhoneSpec,
    SlotSpec,
    SummarySpec,
    TextKind,
)

SPEC = AgentSpec(
    type="CANCEL_APPOINTMENT",
    title="Cancel an appointment",
    description="Ring a business and cancel an appointment for you.",
    slots=(
        SlotSpec(
            name="business_name",
            type=InputType.TEXT,
            label="Business",
            question="Which business is the appointment with?",
            reask="Sorry, which business should I call?",
            text_kind=TextKind.BUSINESS_NAME,
        ),
        SlotSpec(
            name="appointment_day",
            type=InputType.DATE,
            label="Day",
            question="What day is the appointment?",
            reask="Which day is the appointment? For example \"Monday\" or \"the 3rd\".",
        ),
        SlotSpec(
            name="appointment_time",
            type=InputType.TIME,
            label="Time",
            question="What time is it?",
            reask="What time is the appointment? For example \"10am\" or \"2:15pm\".",
        ),
        SlotSpec(
            name="customer_name",
            type=InputType.TEXT,
            label="Name",
            question="What name is the appointment under?",
            reask="Sorry, what name is the appointment booked under?",
            text_kind=TextKind.PERSON_NAME,
        ),
        SlotSpec(
            name="business_location",
            type=InputType.TEXT,
            label="Area",
            required=False,
            text_kind=TextKind.PLACE_AREA,
        ),
        SlotSpec(
            name="cancel_reason",
            type=InputType.TEXT,
            label="Reason",
            required=False,
        ),
    ),
    card=CardSpec(
        title="Cancel an appointment",
        lines=(
            "Calling: {place_name}",
            "Address: {place_address}",
            "Phone: {place_phone}",
            "Appointment: {appointment_day} at {appointment_time}",
            "Name: {customer_name}",
            "Reason: {cancel_reason}",
        ),
        confirm_label="Make the call",
    ),
    brief=BriefSpec(
        objective="Cancel {customer_name}'s appointment at {place_name} on {appointment_day} "
        "at {appointment_time}.",
        script=(
            "Hi, this is an automated assistant calling on behalf of {customer_name}.",
            "I'm calling to cancel the appointment on {appointment_day} at {appointment_time} "
            "under the name {customer_name}.",
            "The reason is: {cancel_reason}.",
            "Is there a cancellation fee?",
            "Thanks for your help. Goodbye.",
        ),
        checklist=(
            "Say it's an automated assistant calling for {customer_name}",
            "Cancel the appointment on {appointment_day} at {appointment_time}",
            "Ask whether a cancellation fee applies",
        ),
    ),
    phone=PhoneSpec(source=PhoneSource.PLACE, query_slot="business_name",
                    area_slot="business_location"),
    flow=PhoneFlow.DIALOG,
    # cancelling once the appointment is near (or started) costs a fee and helps nobody
    timing=CallTiming(deadline_date_slot="appointment_day", deadline_time_slot="appointment_time",
                      deadline_lead_minutes=30),
    dialog=DialogSpec(
        opening="Hi, this is an automated assistant calling on behalf of {customer_name}.",
        steps=(
            DialogStep(
                name="cancel",
                ask="I'm calling to cancel the appointment on {appointment_day} at "
                "{appointment_time} under the name {customer_name}. Could you cancel that "
                "please?",
                reask="Sorry, has the appointment for {customer_name} on {appointment_day} "
                "been cancelled?",
                field="cancelled",
                expects=InputType.YES_NO,
            ),
            DialogStep(
                name="fee",
                ask="Is there any cancellation fee?",
                reask="Sorry, will there be a fee for cancelling?",
                field="fee_mentioned",
                expects=InputType.MONEY,
            ),
        ),
        closing="Thanks very much for your help. Goodbye.",
        voicemail="",
    ),
    outcome=(
        OutcomeField("cancelled", InputType.YES_NO, "Cancelled"),
        OutcomeField("fee_mentioned", InputType.MONEY, "Fee", optional=True),
        OutcomeField("notes", InputType.TEXT, "Notes", optional=True),
    ),
    on_behalf_of_slot="customer_name",
    success_facts=("cancelled",),
    summaries=(
        SummarySpec("Cancelled {customer_name}'s appointment at {place_name} on "
                    "{appointment_day} at {appointment_time}. Cancellation fee: {fee_mentioned}.",
                    Condition("equals", "cancelled", ("YES",)), ("Nothing else to do.",)),
        SummarySpec("{place_name} did not cancel the appointment on {appointment_day}.",
                    Condition("equals", "cancelled", ("NO",)),
                    ("Call {place_name} yourself to sort it out.",)),
    ),
)
