"""Seeds the controlled vocabularies. Slugs are a public contract: never change one here;
add a new migration to add values."""

from django.db import migrations

VOCABULARIES = {
    "ServiceType": [
        ("peer-support-group", "Peer support group",
         "A group where people with their own experience of mental health problems support "
         "each other. You can listen, or share when you are ready."),
        ("online-peer-support", "Online peer support",
         "Peer support that happens online, on video calls or in a moderated chat or forum."),
        ("drop-in", "Drop-in",
         "A place you can just turn up to during opening times. No appointment needed."),
        ("link-worker", "Link worker or community connector",
         "Someone who spends time with you to find out what matters to you and helps you "
         "connect with groups and support in your community."),
        ("recovery-college", "Recovery college course",
         "Free courses about mental health and recovery, designed and taught together by "
         "people with lived experience and professionals. You enrol as a student."),
        ("wellbeing-hub", "Wellbeing hub or community space",
         "A friendly community space with activities, company and support under one roof."),
        ("self-management", "Self-management course",
         "A course that helps you make your own plan to stay well, such as WRAP "
         "(Wellness Recovery Action Plan)."),
        ("activity-group", "Activity or arts group",
         "Doing something together — walking, gardening, art, music, football — with people "
         "who understand."),
        ("helpline", "Helpline or listening service",
         "Someone to talk to on the phone, by text or online chat, who will listen."),
        ("carers-support", "Carers' support",
         "Support for people who care for someone with a mental health problem."),
        ("crisis-support", "Crisis support",
         "Help when things feel too much right now, including out of hours. If your life is in "
         "danger, call 999."),
    ],
    "AccessRoute": [
        ("self-referral", "Self-referral",
         "You can contact them yourself. You do not need anyone to refer you."),
        ("drop-in", "Drop in (no appointment)",
         "You can turn up at the times listed without booking."),
        ("link-worker", "Via a link worker or community connector",
         "A link worker or community connector can refer you."),
        ("gp", "Via a GP", "Your GP practice can refer you."),
        ("professional", "Via another professional",
         "A professional such as your community mental health team, social worker or "
         "support worker can refer you."),
        ("enrol", "Enrol on a course",
         "You sign up for a place on a course, usually with a short form."),
    ],
    "LivedExperienceInvolvement": [
        ("peer-led", "Peer-led",
         "Run by people who have their own lived experience of mental health problems."),
        ("peer-workers", "Peer workers employed",
         "Employs peer workers: staff who use their own lived experience in their role."),
        ("co-produced", "Co-produced",
         "Designed and reviewed together with people with lived experience."),
        ("lived-experience-governance", "Lived experience in governance",
         "People with lived experience sit on the board or an advisory group and shape "
         "decisions."),
        ("none-stated", "None stated",
         "The organisation has not told us how people with lived experience are involved."),
    ],
    "Audience": [
        ("everyone", "Everyone", "Open to any adult."),
        ("young-people", "Young people", "For young people, usually aged 16 to 25."),
        ("older-people", "Older people", "For older people, usually aged 60 and over."),
        ("women", "Women", "For women."),
        ("men", "Men", "For men."),
        ("lgbtq", "LGBTQ+", "For lesbian, gay, bisexual, trans and queer people."),
        ("minority-ethnic", "Minority ethnic communities",
         "For people from minority ethnic communities."),
        ("veterans", "Veterans", "For people who have served in the armed forces."),
        ("carers", "Carers", "For unpaid carers of someone with a mental health problem."),
        ("families", "Families", "For families, including children with their parents."),
        ("drugs-alcohol", "People who use drugs or alcohol",
         "For people whose drug or alcohol use affects their mental health."),
        ("leaving-hospital", "People leaving hospital",
         "For people who have recently left a psychiatric hospital or ward."),
    ],
    "AccessibilityFeature": [
        ("step-free-access", "Step-free access",
         "You can get in and around without steps, for example with a wheelchair or buggy."),
        ("accessible-toilet", "Accessible toilet", "There is an accessible toilet."),
        ("hearing-loop", "Hearing loop", "There is a hearing loop for hearing aid users."),
        ("bsl-interpreter", "BSL interpreter on request",
         "A British Sign Language interpreter can be booked if you ask in advance."),
        ("large-print-easy-read", "Large print or Easy Read",
         "Information is available in large print or Easy Read."),
        ("quiet-space", "Quiet space", "There is a quiet room or space you can go to."),
    ],
    "DeliveryMode": [
        ("in-person", "In person", "You meet face to face."),
        ("online", "Online", "On a video call, chat or forum."),
        ("phone", "By phone", "On the phone."),
    ],
    "Language": [
        ("en", "English", ""),
        ("bsl", "British Sign Language (BSL)", ""),
        ("gd", "Gaelic", ""),
        ("pl", "Polish", ""),
        ("ur", "Urdu", ""),
        ("pa", "Punjabi", ""),
        ("ar", "Arabic", ""),
        ("zh", "Chinese", ""),
        ("ro", "Romanian", ""),
        ("uk", "Ukrainian", ""),
        ("so", "Somali", ""),
        ("bn", "Bengali", ""),
        ("fa", "Farsi (Persian)", ""),
        ("ku", "Kurdish", ""),
        ("es", "Spanish", ""),
    ],
}


def seed(apps, schema_editor):
    for model_name, rows in VOCABULARIES.items():
        model = apps.get_model("services", model_name)
        for position, (slug, name, description) in enumerate(rows):
            model.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "description": description, "position": position},
            )


def unseed(apps, schema_editor):
    for model_name, rows in VOCABULARIES.items():
        apps.get_model("services", model_name).objects.filter(
            slug__in=[slug for slug, _, _ in rows]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
