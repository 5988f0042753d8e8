"""RESTAURANT_RESERVATION: book a table."""

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
    TimeHint,
)

SPEC = AgentSpec(
    type="RESTAURANT_RESERVATION",
    title="Book a table",
    description="Ring a restaurant and book a table for you.",
    slots=(
        SlotSpec(
            name="restaurant_name",
            type=InputType.TEXT,
            label="Restaurant",
            question="Which restaurant should I call?",
            reask="Sorry, which restaurant should I book?",
            text_kind=TextKind.BUSINESS_NAME,
        ),
        SlotSpec(
            name="party_size",
            type=InputType.NUMBER,
            label="People",
            question="How many people is the table for?",
            reask="How many people? A number like 2 or 4.",
        ),
        SlotSpec(
            name="date",
            type=InputType.DATE,
            label="Date",
            question="What day would you like the booking?",
            reask="Which day? You can say \"Saturday\" or \"the 12th\".",
        ),
        SlotSpec(
            name="time",
            type=InputType.TIME,
            label="Time",
            question="What time?",
            reask="What time should I book? For example \"7pm\" or \"6:30\".",
            time_hint=TimeHint.DINING,
        ),
        SlotSpec(
            name="booking_name",
            type=InputType.TEXT,
            label="Name",
            question="What name should the booking be under?",
            reask="Sorry, what name should I put the booking under?",
            text_kind=TextKind.PERSON_NAME,
        ),
        SlotSpec(
            name="suburb_or_area",
            type=InputType.TEXT,
            label="Area",
            required=False,
            text_kind=TextKind.PLACE_AREA,
        ),
    ),
    card=CardSpec(
        title="Book a table",
        lines=(
            "Calling: {place_name}",
            "Address: {place_address}",
            "Phone: {place_phone}",
            "Table for: {party_size}",
            "When: {date} at {time}",
            "Name: {booking_name}",
        ),
    ),
    brief=BriefSpec(
        objective="Book a table for {party_size} at {place_name} on {date} at {time}, "
        "under {booking_name}.",
        script=(
            "Hi, this is an automated assistant calling on behalf of {booking_name}.",
            "I'd like to book a table for {party_size} on {date} at {time}, "
            "under the name {booking_name}.",
            "If that time isn't available, what's the closest time you can do?",
            "Thanks so much. Goodbye.",
        ),
        checklist=(
            "Say it's an automated assistant calling for {booking_name}",
            "Ask for a table for {party_size} on {date} at {time}",
            "If that's not available, note the alternative offered",
            "Confirm the name on the booking: {booking_name}",
        ),
    ),
    phone=PhoneSpec(source=PhoneSource.PLACE, query_slot="restaurant_name",
                    area_slot="suburb_or_area"),
    flow=PhoneFlow.DIALOG,
    # a booking made less than half an hour ahead is a walk-in: no point calling after that
    timing=CallTiming(deadline_date_slot="date", deadline_time_slot="time",
                      deadline_lead_minutes=30),
    dialog=DialogSpec(
        opening="Hi, this is an automated assistant calling on behalf of {booking_name}.",
        steps=(
            DialogStep(
                name="book",
                ask="I'd like to book a table for {party_size} on {date} at {time}, under the "
                "name {booking_name}. Can you do that?",
                reask="Sorry, are you able to fit {party_size} people in on {date} at {time}?",
                field="booked",
                expects=InputType.YES_NO,
            ),
            DialogStep(
                name="alternative",
                ask="What's the closest time you could do that day?",
                reask="Sorry, is there another time that day that would work?",
                field="booked_time",
                expects=InputType.TIME,
                when=Condition(kind="equals", slot="booked", values=("NO",)),
            ),
        ),
        closing="Thanks so much for your help. Goodbye.",
        voicemail="",
        closings=(
            SummarySpec("Thanks, I'll pass {booked_time} on to {booking_name}. Goodbye.",
                        Condition("equals", "booked", ("NO",))),
        ),
    ),
    outcome=(
        OutcomeField("booked", InputType.YES_NO, "Booked"),
        OutcomeField("booked_time", InputType.TIME, "Time offered", optional=True),
        OutcomeField("notes", InputType.TEXT, "Notes", optional=True),
    ),
    on_behalf_of_slot="booking_name",
    success_facts=("booked",),
    summaries=(
        SummarySpec("Booked a table for {party_size} at {place_name} on {date} at {time}, "
                    "under {booking_name}.", Condition("equals", "booked", ("YES",)),
                    ("Nothing else to do: the table is under {booking_name}.",)),
        SummarySpec("{place_name} couldn't do {time}, but offered {booked_time}.",
                    Condition("equals", "booked", ("NO",)),
                    ("If {booked_time} suits you, start a new booking for that time.",
                     "Or try another restaurant.")),
        SummarySpec("{place_name} couldn't take a booking for {party_size} on {date} at {time}.",
                    Condition("equals", "booked", ("NO",)),
                    ("Try another time or another restaurant.",)),
    ),
)
