"""Wording for the demo recovery college courses and the national (phone and online)
services. Placeholders as in local_texts.py; {town} is the college's area for a course."""

from .variants import Variant

_ENROL = (
    "Enrol by emailing {email} or phoning {phone}. There is a short form to fill in, and you "
    "can ask for help with it. You do not need a referral or a diagnosis."
)
_FIRST_CLASS = (
    "Tutors will welcome you and go through what the course covers. Nobody is asked to share "
    "personal stories; you can learn by listening. Tea and coffee at the break."
)


def _course(title: str, summary: str, about: str, *, delivery=("in-person",)) -> Variant:
    return Variant(
        name=f"{title}, {{town}}",
        types=("recovery-college",),
        routes=("enrol", "self-referral"),
        pattern="course",
        delivery=delivery,
        lived="co-produced",
        summary=summary,
        description=about + " Classes run {when}, at {venue}. Every course is written and "
        "taught by a peer trainer with lived experience alongside a professional.",
        first_visit=_FIRST_CLASS,
        how_to=_ENROL,
    )


RECOVERY_COLLEGE_COURSES = (
    _course(
        "Understanding Recovery",
        "A friendly introduction to what recovery can mean, for anyone with an interest in "
        "mental health: people with lived experience, families and staff.",
        "Over the course we look at hope, control and opportunity, and hear how different "
        "people describe their own recovery.",
    ),
    _course(
        "Living Well with Anxiety",
        "Learn what anxiety is, why it happens and what helps, with others who understand. "
        "Practical tools you can use straight away.",
        "Each week covers a different part of living with anxiety, from the body's alarm "
        "system to building confidence step by step.",
    ),
    _course(
        "Introduction to Mindfulness",
        "Gentle, practical mindfulness for beginners. Learn simple ways to notice the present "
        "moment and be a bit kinder to yourself.",
        "Sessions include short guided practices, sitting or lying down, and time to talk "
        "about how they went. Nothing is compulsory.",
    ),
    _course(
        "Hope and Recovery: Sharing Your Story",
        "Explore how telling your own story, in your own way and when you choose, can help "
        "recovery. Writing, talking or drawing.",
        "You decide what to share and with whom. Many students keep their story private; "
        "the course is about finding your own voice.",
    ),
    _course(
        "Creative Writing for Wellbeing",
        "Try poetry, short stories and journalling in a relaxed class. No experience needed, "
        "and spelling does not matter.",
        "Each class starts with a short warm-up and a prompt. Sharing your writing is always "
        "optional.",
    ),
    _course(
        "Understanding Psychosis",
        "A course about psychosis, voices and unusual beliefs, for people with experience of "
        "them, their families and anyone curious.",
        "We look at different ways of understanding psychosis, what helps, and how to talk "
        "about it with people close to you.",
    ),
    _course(
        "Becoming a Peer Supporter",
        "For people who want to use their own experience of mental health problems to "
        "support others, as a volunteer or in paid work.",
        "Topics include listening, boundaries, looking after yourself and sharing your story "
        "safely. Finishing the course does not commit you to anything.",
    ),
    _course(
        "Sleep and Wellbeing",
        "Why sleep goes wrong when life is hard, and practical, gentle ways to get more rest. "
        "A short, friendly course.",
        "We cover routines, racing thoughts at night, and what to try when nothing seems to work.",
    ),
)

ONLINE_COURSES = (
    Variant(
        name="Understanding Recovery online",
        types=("recovery-college",),
        routes=("enrol", "self-referral"),
        pattern="course",
        delivery=("online",),
        lived="co-produced",
        summary="Our most popular course, online for anyone in Scotland. Explore what "
        "recovery can mean, from home, in a small group.",
        description="Classes run {when}, on a video call. A peer trainer and a mental health "
        "nurse teach each class together. Camera on or off, whichever suits you.",
        first_visit="We will send a joining link and a short guide the week before. Log in "
        "ten minutes early and a tutor will check your sound works.",
        how_to=_ENROL,
    ),
    Variant(
        name="Wellbeing in BSL online",
        types=("recovery-college", "self-management"),
        routes=("enrol", "self-referral"),
        pattern="course",
        delivery=("online",),
        languages=("bsl",),
        lived="co-produced",
        summary="A wellbeing course taught directly in British Sign Language by Deaf tutors, "
        "on video call, for Deaf people anywhere in Scotland.",
        description="Classes run {when}, on a video call. The course covers stress, sleep and "
        "keeping well, and was designed with Deaf people with lived experience.",
        first_visit="Tutors will introduce themselves and explain how the video call works. "
        "Course notes come with BSL videos.",
        how_to="Enrol by emailing {email} or by text to {phone}. A BSL video form is also on "
        "our website.",
    ),
)

# (organisation name, description, services)
NATIONAL_ORGANISATIONS = (
    (
        "Scotland Demo Listening Line",
        "A national charity running phone and text listening services, staffed by trained "
        "volunteers and peer workers.",
        (
            Variant(
                name="Evening Listening Line",
                types=("helpline",),
                routes=("self-referral",),
                pattern="phone-evenings",
                delivery=("phone",),
                lived="peer-workers",
                summary="Someone to talk to every evening, anywhere in Scotland. Whatever is "
                "on your mind, a trained listener will hear you out.",
                description="The line is open {when}. Listeners will not judge or tell you "
                "what to do. Calls are confidential. If your life is in danger, call 999.",
                first_visit="When you call, a listener will say hello and ask what you would "
                "like to talk about. You can stay anonymous.",
                how_to="Phone {phone}.",
            ),
            Variant(
                name="Evening Text Support",
                types=("crisis-support", "helpline"),
                routes=("self-referral",),
                pattern="phone-evenings",
                delivery=("online", "phone"),
                lived="none-stated",
                summary="Text support every evening when you are struggling to cope. "
                "Trained volunteers reply, usually within five minutes.",
                description="Text support runs {when}. A volunteer will help you feel calmer "
                "and think about the next step. If your life is in danger, call 999.",
                first_visit="Send a text saying hello. A volunteer will reply and ask a few "
                "questions to understand how you are.",
                how_to="Text {phone} or use the web chat at our website.",
            ),
        ),
    ),
    (
        "Scotland Demo Online Peer Community",
        "An online community where people across Scotland support each other with their "
        "mental health, moderated by trained peer workers.",
        (
            Variant(
                name="Online Peer Support Forum",
                types=("online-peer-support",),
                routes=("self-referral",),
                pattern="none",
                delivery=("online",),
                summary="A moderated online forum where you can post about how you are doing, "
                "read others' stories and offer support, any time of day.",
                description="The forum is open all day and night, and moderators check posts "
                "from 9am to 9pm. You choose a username: no real names needed.",
                first_visit="Read the community guidelines, then introduce yourself in the "
                "welcome area if you like. Plenty of members just read for a while.",
                how_to="Sign up on our website with an email address. It takes two minutes.",
            ),
            Variant(
                name="Veterans' Online Peer Group",
                types=("online-peer-support", "peer-support-group"),
                routes=("self-referral",),
                pattern="online-weekly",
                delivery=("online",),
                audiences=("veterans",),
                summary="A weekly video group for veterans anywhere in Scotland, run by "
                "veterans with lived experience of mental health problems.",
                description="The group meets online {when}. Cameras optional. Family members "
                "have their own group once a month.",
                first_visit="A peer facilitator will give you a quick call before your first "
                "session to say hello and check the link works.",
                how_to="Email {email} to join.",
            ),
            Variant(
                name="LGBTQ+ Online Peer Group",
                types=("online-peer-support",),
                routes=("self-referral",),
                pattern="online-weekly",
                delivery=("online",),
                audiences=("lgbtq", "young-people"),
                summary="An online peer group for LGBTQ+ people aged 16 to 25 across "
                "Scotland, especially in rural areas where there is no local group.",
                description="We meet on video {when}. There is also a moderated group chat "
                "between sessions. Run by LGBTQ+ peer workers.",
                first_visit="You can join with your camera off and type in the chat instead "
                "of talking. Use any name you like.",
                how_to="Email {email} for the joining link.",
            ),
        ),
    ),
    (
        "Scotland Demo Carers' Network",
        "Supports family members and friends who care for someone with a mental health "
        "problem, by phone and online.",
        (
            Variant(
                name="Carers' Phone Support",
                types=("carers-support", "helpline"),
                routes=("self-referral", "professional"),
                pattern="phone-daytime",
                delivery=("phone",),
                audiences=("carers",),
                lived="lived-experience-governance",
                summary="Phone support for anyone in Scotland caring for someone with their "
                "mental health. Information, advice and a listening ear.",
                description="The phone line is open {when}. Support workers can talk through "
                "what is happening, your rights as a carer and where to get a break.",
                first_visit="A support worker will answer and ask a few questions about your "
                "situation. Calls usually last about half an hour.",
                how_to="Phone {phone}, or email {email} and we will call you back.",
            ),
            Variant(
                name="Online Carers' Evening",
                types=("carers-support", "online-peer-support"),
                routes=("self-referral",),
                pattern="online-monthly",
                delivery=("online",),
                audiences=("carers", "families"),
                summary="A monthly online get-together for carers who cannot easily leave the "
                "house. Peer support from other carers, and a guest speaker.",
                description="We meet on video {when}. Join from your phone or computer, with "
                "your camera on or off.",
                first_visit="Say hello in the chat when you join. Nobody will put you on the spot.",
                how_to="Email {email} to get the link.",
            ),
        ),
    ),
    (
        "Scotland Demo Deaf Wellbeing Service",
        "Mental health and wellbeing support for Deaf people, delivered in British Sign "
        "Language by Deaf staff and volunteers.",
        (
            Variant(
                name="BSL Peer Support by Video",
                types=("online-peer-support", "peer-support-group"),
                routes=("self-referral", "professional"),
                pattern="online-weekly",
                delivery=("online",),
                languages=("bsl",),
                summary="A peer support group in British Sign Language, on video call, for "
                "Deaf people anywhere in Scotland. No interpreters: everyone signs.",
                description="The group meets {when}. Deaf peer workers lead the sessions and "
                "can also meet you one to one.",
                first_visit="A Deaf peer worker will have a short video call with you first, "
                "to say hello and explain how the group works.",
                how_to="Email {email} or text {phone}. You can also send us a BSL video.",
            ),
        ),
    ),
    (
        "Scotland Demo Gaelic Wellbeing Line",
        "A listening service in Gaelic and English, for Gaelic speakers wherever they live "
        "in Scotland.",
        (
            Variant(
                name="Gaelic Listening Line",
                types=("helpline",),
                routes=("self-referral",),
                pattern="phone-daytime",
                delivery=("phone", "online"),
                languages=("gd", "en"),
                lived="peer-workers",
                summary="Talk to someone in Gaelic or English about whatever is troubling "
                "you. Friendly listeners who understand island and Highland life.",
                description="The line is open {when}. You can also book a video call. "
                "Listeners are trained volunteers, many from the islands themselves.",
                first_visit="A listener will answer in Gaelic and English. Speak whichever "
                "language feels easier.",
                how_to="Phone {phone} or email {email}.",
            ),
        ),
    ),
)

ONLINE_RECOVERY_COLLEGE = (
    "Scotland Demo Online Recovery College",
    "Free online recovery college courses for anyone in Scotland, co-produced with people "
    "with lived experience.",
    ONLINE_COURSES,
)
