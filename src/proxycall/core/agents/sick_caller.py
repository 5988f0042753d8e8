"""SICK_CALLER: call a workplace to say the person can't make a shift."""

from proxycall.core.agents.spec import (
    AgentSpec,
    BriefSpec,
    CallTiming,
    CardSpec,
    Choice,
    Condition,
    InputType,
    OutcomeField,
    PhoneFlow,
    PhoneSource,
    PhoneSpec,
    ScriptSpec,
    SlotSpec,
    SummarySpec,
    TextKind,
    TimeHint,
)

SPEC = AgentSpec(
    type="SICK_CALLER",
    title="Call in sick",
    description="Tell your workplace you can't make a shift, without having to make the call.",
    slots=(
        SlotSpec(
            name="employer_name",
            type=InputType.TEXT,
            label="Workplace",
            question="Who should I call — your workplace or manager?",
            reask="Sorry, who should I call? Give me the workplace or your manager's name.",
            text_kind=TextKind.BUSINESS_NAME,
        ),
        SlotSpec(
            name="employer_phone",
            type=InputType.PHONE,
            label="Phone",
            question="What's their phone number?",
            reask="That doesn't look like a phone number I can call. What's their number, "
            "like 0412 345 678? If you don't know it, say so and I'll look it up.",
            unknown_finds_place=True,
        ),
        SlotSpec(
            name="caller_name",
            type=InputType.TEXT,
            label="Your name",
            question="What name should I give them?",
            reask="Sorry, what name should I give them?",
            text_kind=TextKind.PERSON_NAME,
        ),
        SlotSpec(
            name="shift_date",
            type=InputType.DATE,
            label="Shift date",
            question="What day is the shift you'll miss?",
            reask="Which day is the shift? You can say something like \"tomorrow\" or \"Friday\".",
        ),
        SlotSpec(
            name="shift_start_time",
            type=InputType.TIME,
            label="Shift starts",
            question="What time does it start?",
            reask="What time does the shift start? For example \"9am\" or \"2:30pm\".",
            time_hint=TimeHint.SHIFT,
        ),
        SlotSpec(
            name="reason_category",
            type=InputType.CHOICE,
            label="Reason",
            question="What should I say is the reason?",
            reask="Which reason should I give? Pick one of the options.",
            choices=(
                Choice(
                    "SICK",
                    "I'm sick",
                    (
                        "sick", "ill", "unwell", "not well", "not feeling well",
                        "not feeling great", "feeling sick", "feeling crook", "crook",
                        "flu", "the flu", "a cold", "cold", "covid", "fever", "migraine",
                        "headache", "vomiting", "gastro", "stomach bug", "throwing up",
                        "food poisoning", "stomach flu", "tummy bug", "diarrhoea", "diarrhea",
                        "sore throat", "chest infection", "tonsillitis", "a virus", "sick leave",
                        "injured", "bad back", "infection", "an infection", "virus",
                        # as people text it
                        "feelin sick", "feelin crook", "feeling crap", "feelin crap",
                        "feel like crap", "feeling like crap", "feeling rough", "feelin rough",
                        "under the weather", "feeling terrible", "feeling awful", "sik",
                    ),
                    spoken="is unwell",
                ),
                Choice(
                    "CARER",
                    "Caring for someone",
                    (
                        "carer", "caring", "care for", "caring for", "looking after",
                        "look after", "my kid", "my child", "my son", "my daughter",
                        "my mum", "my dad", "my partner", "sick kid", "sick child",
                        "family emergency", "carers", "carer's", "carers leave", "carer's leave",
                        "carer leave",
                    ),
                    spoken="needs to care for someone",
                ),
                Choice(
                    "MENTAL_HEALTH",
                    "Mental health day",
                    (
                        "mental health", "mental health day", "stress", "stressed",
                        "burnt out", "burned out", "burnout", "anxiety", "personal day",
                        "anxious", "panic attack", "panic attacks",
                    ),
                    spoken="is taking a personal health day",
                ),
                Choice(
                    "MEDICAL_APPOINTMENT",
                    "Medical appointment",
                    (
                        "appointment", "medical", "doctor", "doctors", "doctor's", "gp",
                        "dentist", "dentist's", "dental", "specialist", "hospital",
                        "surgery", "physio", "scan", "blood test", "optometrist",
                        "optometrist's", "eye test", "eye appointment", "optician",
                    ),
                    spoken="has a medical appointment",
                ),
            ),
        ),
        SlotSpec(
            name="expected_return_date",
            type=InputType.DATE,
            label="Back on",
            required=False,
        ),
        SlotSpec(
            name="note_for_team",
            type=InputType.TEXT,
            label="Note",
            required=False,
        ),
    ),
    card=CardSpec(
        title="Call in sick",
        lines=(
            "Calling: {employer_name} on {employer_phone}",
            "Address: {place_address}",
            "From: {caller_name}",
            "Shift: {shift_date} at {shift_start_time}",
            "Reason: {reason_category}",
            "Back on: {expected_return_date}",
            "Note: {note_for_team}",
        ),
        confirm_label="Make the call",
        reject_label="Change something",
    ),
    brief=BriefSpec(
        objective="Tell {employer_name} that {caller_name} can't make the shift on {shift_date} "
        "at {shift_start_time}.",
        script=(
            "Hi, this is an automated assistant calling on behalf of {caller_name}.",
            "{caller_name} {reason_category} and won't be able to make the shift on "
            "{shift_date}, starting at {shift_start_time}.",
            "They expect to be back on {expected_return_date}.",
            "They asked me to pass on: {note_for_team}.",
            "Would you like me to repeat that?",
            "Thanks very much. Goodbye.",
        ),
        checklist=(
            "Say it's an automated assistant calling for {caller_name}",
            "Give the shift: {shift_date} at {shift_start_time}",
            "Give the reason: {reason_category}",
            "Offer to repeat the message",
            "Leave the message on voicemail if nobody answers",
        ),
    ),
    phone=PhoneSpec(source=PhoneSource.DIRECT_SLOT, direct_slot="employer_phone",
                    query_slot="employer_name"),
    flow=PhoneFlow.DETERMINISTIC_SCRIPT,
    script=ScriptSpec(
        opening="Hi, this is an automated assistant calling on behalf of {caller_name}.",
        message=(
            "{caller_name} {reason_category} and won't be able to make the shift on "
            "{shift_date}, starting at {shift_start_time}.",
            "They expect to be back on {expected_return_date}.",
            "They asked me to pass on: {note_for_team}.",
        ),
        repeat_offer="If you'd like me to repeat that, just say so or press 1.",
        closing="Thanks very much, I'll let {caller_name} know the message was passed on. "
        "Goodbye.",
        voicemail=(
            "Hi, this is an automated assistant calling on behalf of {caller_name}.",
            "{caller_name} {reason_category} and won't be able to make the shift on "
            "{shift_date}, starting at {shift_start_time}.",
            "They expect to be back on {expected_return_date}.",
            "They asked me to pass on: {note_for_team}.",
            "Thank you. Goodbye.",
        ),
    ),
    outcome=(
        OutcomeField("message_delivered", InputType.YES_NO, "Message delivered"),
        OutcomeField("delivered_to", InputType.TEXT, "Delivered to"),
        OutcomeField("acknowledged", InputType.YES_NO, "Acknowledged", optional=True),
    ),
    on_behalf_of_slot="caller_name",
    # a sick call goes when the person confirms (a 6 am shift needs a call at 5:30), not in
    # business hours; it is pointless once the shift has started
    timing=CallTiming(business_hours=False, deadline_date_slot="shift_date",
                      deadline_time_slot="shift_start_time"),
    summaries=(
        SummarySpec("Told {employer_name} that {caller_name} won't make the shift on {shift_date} "
                    "at {shift_start_time}, and they acknowledged it.",
                    Condition("equals", "acknowledged", ("YES",)),
                    ("Nothing else to do. Get well soon.",)),
        SummarySpec("Told {employer_name} that {caller_name} won't make the shift on {shift_date} "
                    "at {shift_start_time}.", Condition("equals", "delivered_to", ("person",)),
                    ("They didn't clearly acknowledge it: check in with {employer_name} later "
                     "if you can.",)),
        SummarySpec("Left a voicemail for {employer_name}: {caller_name} won't make the shift on "
                    "{shift_date} at {shift_start_time}.",
                    Condition("equals", "delivered_to", ("voicemail",)),
                    ("Check in with {employer_name} later if you can.",)),
    ),
)
