"""Wording for the demo listings: one template per kind of support, written the way a small
Scottish charity would describe itself. Placeholders: {town}, {org}, {venue}, {when},
{phone}, {email}, {area}."""

from .variants import Variant

_JUST_TURN_UP = (
    "Just turn up. If you would like a chat first, phone {phone} or email {email} and one of "
    "the team will get back to you within two working days."
)
_FIRST_VISIT_GROUP = (
    "One of the facilitators will meet you at the door and show you where things are. You do "
    "not have to talk: lots of people just listen for the first few weeks. You can sit near "
    "the door and leave at any time, and you are welcome to bring a friend the first time."
)

PEER_GROUPS = (
    Variant(
        name="{town} Peer Support Group",
        types=("peer-support-group",),
        routes=("self-referral", "drop-in"),
        pattern="weekly-evening",
        summary="A friendly evening group where people with their own experience of mental "
        "health problems support each other. Listen, or share when you are ready.",
        description="We meet {when}, at {venue}. The group is run by trained volunteers who "
        "have their own experience of mental ill health. We agree ground rules together, and "
        "what is said in the group stays in the group. Tea, coffee and biscuits are out from "
        "ten minutes before the start.",
        first_visit=_FIRST_VISIT_GROUP,
        how_to=_JUST_TURN_UP,
    ),
    Variant(
        name="{town} Men's Peer Support Group",
        types=("peer-support-group",),
        routes=("self-referral", "drop-in", "link-worker"),
        pattern="weekly-evening",
        audiences=("men",),
        summary="A relaxed group for men to talk about how life is going, with other men who "
        "have been through hard times too. No pressure to say anything.",
        description="Men meet {when}, at {venue}. Some weeks the talk is about football and "
        "work, some weeks it goes deeper: it is up to the group. Two volunteers who have "
        "used mental health services themselves keep things safe and on track.",
        first_visit="Someone will say hello at the door and introduce you to a couple of the "
        "regulars. You do not have to explain why you came. Most men say the first night "
        "was easier than they expected.",
        how_to=_JUST_TURN_UP,
    ),
    Variant(
        name="{town} Young People's Peer Group",
        types=("peer-support-group",),
        routes=("self-referral", "professional"),
        pattern="weekly-evening",
        audiences=("young-people",),
        summary="A peer support group for young people aged 16 to 25, run by young volunteers "
        "with their own experience of anxiety, low mood and other struggles.",
        description="The group meets {when}, at {venue}. We chat, sometimes do an activity, "
        "and share what has helped us. Pizza on the last week of the month. Youth workers "
        "are around if anyone needs a quiet word one to one.",
        first_visit="Message or phone beforehand if you can, so someone can look out for "
        "you, but you can also just come. You can bring a friend, even if they do not want "
        "to join in.",
        how_to="Phone or text {phone}, or email {email}. A youth worker or teacher can also "
        "get in touch for you, with your say-so.",
    ),
    Variant(
        name="{town} LGBTQ+ Peer Support Group",
        types=("peer-support-group",),
        routes=("self-referral",),
        pattern="fortnightly-evening",
        audiences=("lgbtq",),
        summary="A safe, welcoming space for lesbian, gay, bi, trans and queer people to talk "
        "about mental health with others who get it.",
        description="We meet {when}, at {venue}. The group is peer-led: everyone running it is "
        "LGBTQ+ and has lived experience of mental health problems. Use whatever name and "
        "pronouns feel right; nobody will ask you to explain yourself.",
        first_visit="Email first if you would like someone to meet you outside. The venue has "
        "gender-neutral toilets. You can come once just to see what it is like.",
        how_to="Email {email} or phone {phone}, or just come along on the night.",
    ),
    Variant(
        name="{town} Hearing Voices Group",
        types=("peer-support-group",),
        routes=("self-referral", "professional"),
        pattern="fortnightly-evening",
        summary="For people who hear voices, see visions or have other unusual experiences. "
        "A place to talk about them openly, without judgement.",
        description="The group meets {when}, at {venue}. We accept that everyone makes sense "
        "of their experiences in their own way: medical, spiritual, or something else "
        "entirely. Members share ways of coping that have worked for them.",
        first_visit="A facilitator will have a short, informal chat with you before your first "
        "group, so you know what to expect. You can bring a support worker the first time.",
        how_to="Phone {phone} or email {email}. Your community mental health team can also "
        "pass on your details if you would prefer.",
    ),
    Variant(
        name="{town} Women's Wellbeing Circle",
        types=("peer-support-group",),
        routes=("self-referral", "link-worker"),
        pattern="monthly-first",
        audiences=("women",),
        summary="A monthly circle where women support each other with their mental health "
        "over tea and cake, led by women with lived experience.",
        description="We meet {when}, at {venue}. Each month has a gentle theme, such as sleep, "
        "boundaries or self-kindness, but there is always time just to chat. Children are "
        "welcome in the play corner.",
        first_visit="You will be welcomed by one of the two facilitators, who will introduce "
        "you to the group. Sit back and listen if you prefer.",
        how_to=_JUST_TURN_UP,
        cost="donation",
        cost_description="Free. Donations towards tea and cake are welcome but never expected.",
    ),
    Variant(
        name="{town} Over-60s Friendship and Support Group",
        types=("peer-support-group", "activity-group"),
        routes=("self-referral", "gp", "link-worker"),
        pattern="weekly-daytime",
        audiences=("older-people",),
        lived="co-produced",
        summary="A friendly daytime group for people aged 60 and over who feel low, anxious or "
        "lonely. Good company, a cuppa and a listening ear.",
        description="We meet {when}, at {venue}. There is a quiz or a talk most weeks, and "
        "plenty of time to chat. Volunteers can help you plan your journey, and the room is "
        "on the ground floor.",
        first_visit="A volunteer will meet you at the door and sit with you for your first "
        "visit. A family member or carer is welcome to come too.",
        how_to="Phone {phone} and ask for the group organiser, or ask your GP practice or "
        "link worker to get in touch for you.",
    ),
    Variant(
        name="{town} Veterans' Peer Support Group",
        types=("peer-support-group",),
        routes=("self-referral", "professional"),
        pattern="monthly-last",
        audiences=("veterans",),
        summary="Ex-forces men and women supporting each other with stress, low mood and life "
        "after service. Run by veterans, for veterans.",
        description="We meet {when}, at {venue}. Any length of service counts, regular or "
        "reserve. Family members are welcome at the open meeting each quarter.",
        first_visit="A member will meet you and get you a brew. There is no need to talk about "
        "your service unless you want to.",
        how_to="Phone {phone} or email {email}. You can also just come along.",
    ),
    Variant(
        name="{town} Mental Health and Recovery Group",
        types=("peer-support-group",),
        routes=("self-referral", "drop-in", "professional"),
        pattern="weekly-daytime",
        audiences=("drugs-alcohol",),
        lived="peer-workers",
        summary="For people whose drinking or drug use is tangled up with their mental health. "
        "Peer workers who have been there too, and no judgement.",
        description="The group meets {when}, at {venue}. You do not have to be abstinent to "
        "come, just not under the influence on the day. Peer workers can also help you link "
        "in with other support in {town}.",
        first_visit="A peer worker will have a quiet word with you before the group starts, "
        "to explain how it works. You can leave whenever you need to.",
        how_to=_JUST_TURN_UP,
    ),
    Variant(
        name="{town} Multicultural Wellbeing Group",
        types=("peer-support-group",),
        routes=("self-referral", "link-worker"),
        pattern="weekly-daytime",
        audiences=("minority-ethnic",),
        lived="co-produced",
        summary="A wellbeing group for people from minority ethnic communities, with "
        "volunteers who speak several languages. Tea, food and friendship.",
        description="We meet {when}, at {venue}. People from many backgrounds come to share "
        "food, talk about stress, isolation and settling in, and support each other. "
        "Interpreters can be arranged for your first visit.",
        first_visit="A volunteer who speaks your language, where we can, will welcome you. "
        "You are welcome to bring a family member.",
        how_to="Phone {phone} or email {email}, in any language, and we will call you back.",
    ),
    Variant(
        name="{town} After Hospital Peer Group",
        types=("peer-support-group",),
        routes=("self-referral", "professional"),
        pattern="weekly-evening",
        audiences=("leaving-hospital",),
        lived="peer-workers",
        summary="Support from peer workers for people who have recently come home from a "
        "mental health ward, and are finding their feet again.",
        description="The group meets {when}, at {venue}. Coming home from hospital can feel "
        "strange and lonely. Our peer workers have been through it and can help with the "
        "practical things too, such as benefits, appointments and getting out again.",
        first_visit="A peer worker will phone you before your first group to say hello, so "
        "you will know one face when you arrive.",
        how_to="Ask your ward staff or community mental health team to refer you, or phone "
        "{phone} yourself.",
    ),
)

DROP_INS = (
    Variant(
        name="{town} Wellbeing Café",
        types=("drop-in",),
        routes=("drop-in", "self-referral"),
        pattern="drop-in-days",
        lived="peer-workers",
        summary="A warm, friendly café where you can drop in for a cuppa and a chat with "
        "people who understand. No appointment, no forms.",
        description="The café is open {when}, at {venue}. Peer workers are on hand if you want "
        "to talk, and there are leaflets about other support in {town}. Or just sit with a "
        "coffee and a newspaper: that is fine too.",
        first_visit="Come in and find a seat. Someone will bring you a drink and check if "
        "there is anything you need, then leave you in peace if you prefer.",
        how_to="No need to get in touch first: just drop in during opening times.",
        cost="donation",
        cost_description="Tea, coffee and toast are free. Donations welcome but never expected.",
    ),
    Variant(
        name="{town} Mental Health Drop-in",
        types=("drop-in",),
        routes=("drop-in",),
        pattern="drop-in-days",
        lived="co-produced",
        summary="Drop in to talk to a support worker about anything on your mind, from "
        "feeling low to money worries. No appointment needed.",
        description="The drop-in runs {when}, at {venue}. A support worker can listen, help "
        "you think through what might help, and put you in touch with groups and services "
        "in {town}. Sessions are free and confidential.",
        first_visit="Tell the person at the desk you are here for the drop-in. You will "
        "usually be seen within half an hour, in a private room.",
        how_to="Just come along during opening times.",
    ),
    Variant(
        name="{town} Family Wellbeing Drop-in",
        types=("drop-in",),
        routes=("drop-in", "self-referral"),
        pattern="term-time",
        audiences=("families",),
        lived="co-produced",
        summary="A relaxed drop-in for parents and carers who are struggling, with a play "
        "area for children while you chat.",
        description="Open {when}, at {venue}. Family support workers and volunteer parents "
        "offer a listening ear and practical ideas. Children under five can play nearby "
        "with a member of staff.",
        first_visit="Come in with your children and someone will show you around. There is "
        "space for buggies and a baby changing area.",
        how_to="Drop in during opening times, or phone {phone} to ask a question first.",
    ),
)

ACTIVITIES = (
    Variant(
        name="{town} Walk and Talk",
        types=("activity-group", "peer-support-group"),
        routes=("self-referral", "drop-in", "link-worker"),
        pattern="weekend-morning",
        summary="A gentle, sociable walk with others who know what it is like to struggle. "
        "Fresh air, good company and a cuppa afterwards.",
        description="We walk {when}, meeting at {venue}. Walks last about an hour at an easy "
        "pace on paths, and there is always a shorter route. Two walk leaders, one at the "
        "front and one at the back, so nobody gets left behind.",
        first_visit="Wear comfy shoes and bring a waterproof. Look for the walk leaders in "
        "green jackets. Nobody minds if you just want to walk quietly.",
        how_to=_JUST_TURN_UP,
    ),
    Variant(
        name="{town} Green Space Gardening Group",
        types=("activity-group",),
        routes=("self-referral", "link-worker", "gp"),
        pattern="weekly-daytime",
        lived="co-produced",
        summary="Grow vegetables and flowers with others in a community garden. No gardening "
        "experience needed, and tools and gloves are provided.",
        description="We garden {when}, at {venue}. Tasks range from potting seeds at a table "
        "to digging beds, so there is something for everyone. We share what we grow and "
        "stop halfway for a cuppa.",
        first_visit="The garden coordinator will show you around and find a job that suits "
        "you. Wear old clothes. There is a polytunnel for wet days.",
        how_to="Phone {phone} or email {email}, or ask your link worker to put you in touch.",
    ),
    Variant(
        name="{town} Creative Arts for Wellbeing",
        types=("activity-group",),
        routes=("self-referral", "link-worker"),
        pattern="weekly-daytime",
        lived="co-produced",
        cost="paid",
        cost_description="£2 a session towards materials. Free if money is tight: just say.",
        summary="Painting, drawing and collage in a calm, friendly group. No skills needed; "
        "it is about enjoying making things, not being good at it.",
        description="The group meets {when}, at {venue}. An artist with lived experience of "
        "mental health problems leads a simple project each week, but you can do your own "
        "thing. Materials are provided.",
        first_visit="Come a few minutes early and the artist will show you the materials. "
        "Nobody has to show their work.",
        how_to="Email {email} or phone {phone} so we keep a seat for you.",
    ),
    Variant(
        name="{town} Football for Wellbeing",
        types=("activity-group",),
        routes=("self-referral", "drop-in"),
        pattern="weekly-evening",
        lived="peer-led",
        cost="paid",
        cost_description="£2 a session towards pitch hire. Free if money is tight: just say.",
        summary="Friendly, non-competitive five-a-side for anyone whose mental health is "
        "having a hard time. All abilities and fitness levels.",
        description="We play {when}, at {venue}. A coach runs a short warm-up, then we play "
        "small-sided games and finish with a chat. Boots are optional; trainers are fine.",
        first_visit="Say hello to the coach when you arrive. You can sit out any time, and "
        "plenty of people come just to watch at first.",
        how_to=_JUST_TURN_UP,
    ),
    Variant(
        name="{town} Music and Mood Group",
        types=("activity-group",),
        routes=("self-referral", "link-worker"),
        pattern="fortnightly-daytime",
        lived="peer-led",
        summary="Sing, play or just listen. A music group that lifts spirits, with "
        "instruments to borrow and no need to read music.",
        description="We meet {when}, at {venue}. Sessions mix singing, simple percussion and "
        "listening to music members bring along. A music facilitator and two peer "
        "volunteers run each session.",
        first_visit="A volunteer will welcome you and show you the instruments. Join in as "
        "much or as little as you like.",
        how_to=_JUST_TURN_UP,
    ),
    Variant(
        name="{town} Woodwork and Wellbeing Shed",
        types=("activity-group",),
        routes=("self-referral", "drop-in", "link-worker"),
        pattern="weekly-daytime",
        lived="lived-experience-governance",
        cost="donation",
        cost_description="Free. Donations to the tool fund are welcome.",
        summary="A workshop where people make, mend and chat side by side. Good for anyone "
        "who finds it easier to talk while their hands are busy.",
        description="The shed is open {when}, at {venue}. Members help each other with "
        "projects, from bird boxes to fixing furniture for neighbours. Safety training is "
        "given before using any machines.",
        first_visit="One of the shed volunteers will give you a tour and a cup of tea. "
        "Closed-toe shoes, please.",
        how_to=_JUST_TURN_UP,
    ),
)

HUBS = (
    Variant(
        name="{town} Wellbeing Hub",
        types=("wellbeing-hub", "drop-in"),
        routes=("drop-in", "self-referral", "link-worker"),
        pattern="hub-hours",
        lived="peer-workers",
        summary="A community space with friendly staff, peer workers, activities and a café. "
        "Come in for a chat, a class or just somewhere warm to be.",
        description="The hub is open {when}, at {venue}. Each week there is a timetable of "
        "free activities, such as mindfulness, cooking on a budget and a games afternoon. "
        "Peer workers can also help you plan what would help you feel better.",
        first_visit="Tell reception it is your first visit and someone will show you round. "
        "There is a quiet room if it all feels a bit much.",
        how_to="Drop in during opening hours, or phone {phone} or email {email}.",
    ),
    Variant(
        name="{town} Community Wellbeing Space",
        types=("wellbeing-hub",),
        routes=("drop-in", "self-referral", "gp"),
        pattern="hub-hours",
        lived="lived-experience-governance",
        summary="A welcoming space run with local people, offering company, activities and "
        "someone to talk to when things are hard.",
        description="The space is open {when}, at {venue}. People who use the space sit on "
        "our management committee and help decide what we offer. Lunch is served on "
        "Wednesdays for a donation.",
        first_visit="Someone at the front desk will offer you a drink and explain what is on "
        "that day. You do not need to give your details.",
        how_to="Drop in, or phone {phone} to ask about the week's activities.",
    ),
)

LINK_WORKERS = (
    Variant(
        name="{town} Community Link Worker Service",
        types=("link-worker",),
        routes=("gp", "self-referral", "professional", "link-worker"),
        pattern="office-hours",
        delivery=("in-person", "phone"),
        lived="none-stated",
        referrals=True,
        summary="A link worker spends time with you to find out what matters to you, then "
        "helps you connect with groups, services and activities nearby.",
        description="Link workers see people in GP practices and community venues across "
        "{town}, {when}. You can meet up to six times. Together you will look at things like "
        "money, loneliness, housing or getting active, and find local support that fits.",
        first_visit="Your first meeting lasts about 45 minutes, in person or by phone. The "
        "link worker will ask what is going on for you and what you would like to change.",
        how_to="Ask your GP practice to refer you, or phone {phone} yourself. Professionals "
        "can refer through the directory.",
    ),
    Variant(
        name="{town} Community Connectors",
        types=("link-worker",),
        routes=("self-referral", "gp", "professional"),
        pattern="office-hours",
        delivery=("in-person", "phone"),
        lived="peer-workers",
        referrals=True,
        summary="Community connectors with their own lived experience help you find your "
        "way back into things you enjoy, at your own pace.",
        description="Connectors can meet you at home, in a café or at {venue}, {when}. They "
        "can come along with you to a new group the first time, so you do not have to walk "
        "in on your own.",
        first_visit="A connector will phone you to arrange a first meeting somewhere you feel "
        "comfortable. There is no waiting room and no forms on the day.",
        how_to="Phone {phone} or email {email}. Your GP, social worker or support worker can "
        "refer you too.",
    ),
)

SELF_MANAGEMENT = (
    Variant(
        name="{town} WRAP Course",
        types=("self-management",),
        routes=("enrol", "self-referral"),
        pattern="course",
        lived="peer-led",
        summary="Make your own Wellness Recovery Action Plan (WRAP) over a few friendly weekly "
        "sessions, led by trained peer facilitators.",
        description="WRAP helps you notice what keeps you well, spot early warning signs and "
        "plan what helps when things get harder. Sessions run {when}, at {venue}. Your plan "
        "belongs to you: you never have to share it.",
        first_visit="The first session is about getting to know each other and how the "
        "course works. Bring a pen; everything else is provided.",
        how_to="Enrol by phoning {phone} or emailing {email}. Places are limited so the "
        "group stays small.",
    ),
    Variant(
        name="{town} Managing Stress and Anxiety Course",
        types=("self-management",),
        routes=("enrol", "self-referral", "gp"),
        pattern="course",
        lived="co-produced",
        summary="A practical course that teaches simple ways to manage stress, worry and "
        "panic, in a small and supportive group.",
        description="Sessions run {when}, at {venue}. Each week covers one topic: breathing, "
        "sleep, worry time, and planning for setbacks. The course was written with people "
        "who have lived with anxiety.",
        first_visit="You will not be asked to talk about your own anxiety in the group unless "
        "you want to. A tutor stays behind after each session for questions.",
        how_to="Enrol by phoning {phone}, or ask your GP to refer you.",
    ),
)

CARERS = (
    Variant(
        name="{town} Carers' Support Group",
        types=("carers-support", "peer-support-group"),
        routes=("self-referral", "professional"),
        pattern="monthly-last",
        audiences=("carers",),
        lived="peer-led",
        summary="A monthly group for people caring for someone with a mental health problem. "
        "Share what works, let off steam, and know you are not alone.",
        description="Carers meet {when}, at {venue}. Sometimes a guest speaker comes along to "
        "talk about things like Power of Attorney or carer's rights. Most of the time, it is "
        "simply carers supporting carers.",
        first_visit="One of the group organisers will welcome you. Everything shared stays in "
        "the room. If you cannot leave the person you care for, phone us to talk about it.",
        how_to=_JUST_TURN_UP,
    ),
    Variant(
        name="{town} Carers' Coffee Morning",
        types=("carers-support",),
        routes=("self-referral", "drop-in"),
        pattern="monthly-first-morning",
        audiences=("carers", "families"),
        lived="co-produced",
        cost="donation",
        cost_description="Free. Donations towards coffee and cake are welcome.",
        summary="An informal coffee morning for family members and friends who support "
        "someone with their mental health.",
        description="Held {when}, at {venue}. A carers' support worker is there to answer "
        "questions about services, money and looking after yourself.",
        first_visit="Grab a coffee and find a seat. The support worker will come and say hello.",
        how_to=_JUST_TURN_UP,
    ),
)

CRISIS = (
    Variant(
        name="{town} Evening Safe Space",
        types=("crisis-support",),
        routes=("drop-in", "self-referral", "professional"),
        pattern="crisis-evenings",
        delivery=("in-person", "phone"),
        lived="peer-workers",
        summary="A calm place to go in the evening when things feel too much. Talk to a "
        "trained worker, in person or by phone. No appointment needed.",
        description="Open {when}, at {venue}. Staff and peer workers can listen, help you make "
        "a plan to stay safe tonight, and link you with support for the days ahead. If your "
        "life is in danger right now, call 999.",
        first_visit="Ring the bell at the side door. A worker will take you to a quiet room. "
        "You can stay as long as you need, within opening hours.",
        how_to="Just come along, or phone {phone} when we are open. Police, GPs and A&E can "
        "also refer you.",
    ),
    Variant(
        name="{town} Weekend Crisis Café",
        types=("crisis-support", "drop-in"),
        routes=("drop-in", "self-referral"),
        pattern="weekend-evenings",
        lived="peer-led",
        summary="Somewhere warm and safe to go on weekend evenings when you are struggling, "
        "with people who have been there too.",
        description="The café is open {when}, at {venue}. You can talk, have something to eat "
        "or just sit quietly with other people around. If your life is in danger right now, "
        "call 999.",
        first_visit="A worker will meet you at the door and ask your first name only. You do "
        "not need to explain anything.",
        how_to="Just come along during opening times, or phone {phone} to check it is open.",
    ),
)

REMOTE = (
    Variant(
        name="{town} Online Peer Support Evening",
        types=("online-peer-support", "peer-support-group"),
        routes=("self-referral",),
        pattern="online-weekly",
        delivery=("online",),
        summary="A peer support group on a video call, for people in and around {town} who "
        "find it hard to get out. Camera on or off, your choice.",
        description="We meet online {when}. The group is run by trained volunteers with lived "
        "experience. You will need a phone, tablet or computer with internet.",
        first_visit="We will send you a link and a short guide. A volunteer can do a test "
        "call with you beforehand if you are new to video calls.",
        how_to="Email {email} to get the joining link.",
    ),
    Variant(
        name="{town} Warmline",
        types=("helpline",),
        routes=("self-referral",),
        pattern="phone-evenings",
        delivery=("phone",),
        lived="peer-workers",
        summary="A phone line for people in {town} who want to talk to someone who "
        "understands, before things reach crisis point.",
        description="The warmline is open {when}. Calls are answered by peer workers who have "
        "their own experience of mental health problems. It is not a crisis line: if your "
        "life is in danger, call 999.",
        first_visit="When you call, you will hear a short message, then a peer worker will "
        "answer. You do not have to give your name.",
        how_to="Phone {phone} during opening hours.",
    ),
)

LOCAL_VARIANTS = {
    "peer": PEER_GROUPS,
    "dropin": DROP_INS,
    "activity": ACTIVITIES,
    "hub": HUBS,
    "link": LINK_WORKERS,
    "selfman": SELF_MANAGEMENT,
    "carers": CARERS,
    "crisis": CRISIS,
    "remote": REMOTE,
}
