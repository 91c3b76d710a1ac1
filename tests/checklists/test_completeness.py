from checklists.completeness import assess

ELEMENTS = [
    {"key": "consent", "label": "Consent", "section": "pre", "requirement": "required"},
    {"key": "technique", "label": "Technique", "section": "procedure", "requirement": "required"},
    {
        "key": "phenol",
        "label": "Phenol concentration",
        "section": "procedure",
        "requirement": "required",
        "condition": {"element": "technique", "in": ["chemical"]},
    },
    {
        "key": "temperature",
        "label": "Lesion temperature",
        "section": "procedure",
        "requirement": "required",
        "condition": {"element": "technique", "in": ["thermal_rf", "cooled_rf"]},
    },
    {
        "key": "contrast",
        "label": "Contrast",
        "section": "procedure",
        "requirement": "required",
        "allow_na": True,
    },
    {"key": "pain_after", "label": "Pain after", "section": "post", "requirement": "recommended"},
    {"key": "remarks", "label": "Remarks", "section": "post", "requirement": "information"},
]


def test_an_empty_note_has_every_required_element_missing():
    result = assess(ELEMENTS, {})
    # Conditional elements do not apply until the technique is known.
    assert (result.required_done, result.required_total) == (0, 3)
    assert [g.label for g in result.missing_required] == ["Consent", "Technique", "Contrast"]
    assert result.percent == 0
    assert not result.is_complete


def test_conditions_decide_which_elements_count():
    chemical = assess(ELEMENTS, {"technique": {"value": "chemical"}})
    assert chemical.required_total == 4
    assert "Phenol concentration" in [g.label for g in chemical.missing_required]
    assert "Lesion temperature" not in [g.label for g in chemical.missing]

    rf = assess(ELEMENTS, {"technique": {"value": "thermal_rf"}})
    assert "Lesion temperature" in [g.label for g in rf.missing_required]
    assert "Phenol concentration" not in [g.label for g in rf.missing]


def test_a_partial_note_counts_and_lists_what_is_missing():
    answers = {
        "consent": {"value": "yes"},
        "technique": {"value": "chemical"},
        "phenol": {"value": "6"},
    }
    result = assess(ELEMENTS, answers)
    assert (result.required_done, result.required_total) == (3, 4)
    assert result.percent == 75
    assert [g.key for g in result.missing_required] == ["contrast"]
    assert [g.key for g in result.missing_recommended] == ["pain_after"]
    assert (result.recommended_done, result.recommended_total) == (0, 1)


def test_not_applicable_with_a_reason_counts_as_documented_only_where_allowed():
    answers = {
        "consent": {"na_reason": "patient refused"},
        "technique": {"value": "thermal_rf"},
        "temperature": {"value": "85"},
        "contrast": {"na_reason": "Iodinated contrast allergy"},
    }
    result = assess(ELEMENTS, answers)
    assert [g.key for g in result.missing_required] == ["consent"]


def test_blank_values_are_not_documentation():
    answers = {
        "consent": {"value": "   "},
        "technique": {"value": ""},
        "contrast": {"value": [], "na_reason": ""},
    }
    assert assess(ELEMENTS, answers).required_done == 0


def test_a_complete_note_is_complete_even_without_recommended_elements():
    answers = {
        "consent": {"value": "yes"},
        "technique": {"value": "chemical"},
        "phenol": {"value": "6"},
        "contrast": {"value": "iohexol"},
    }
    result = assess(ELEMENTS, answers)
    assert result.is_complete and result.percent == 100
    assert result.recommended_missing == 1


def test_multi_choice_conditions_match_any_selected_value():
    elements = [
        {
            "key": "guidance",
            "label": "Guidance",
            "section": "procedure",
            "requirement": "required",
        },
        {
            "key": "contrast",
            "label": "Contrast",
            "section": "procedure",
            "requirement": "required",
            "condition": {"element": "guidance", "in": ["fluoroscopy"]},
        },
    ]
    result = assess(elements, {"guidance": {"value": ["ultrasound", "fluoroscopy"]}})
    assert [g.key for g in result.missing_required] == ["contrast"]


def test_chained_conditions_retire_together():
    elements = ELEMENTS + [
        {
            "key": "agent",
            "label": "Agent",
            "section": "procedure",
            "requirement": "required",
            "condition": {"element": "technique", "in": ["chemical"]},
        },
        {
            "key": "ethanol",
            "label": "Ethanol concentration",
            "section": "procedure",
            "requirement": "required",
            "condition": {"element": "agent", "in": ["ethanol"]},
        },
    ]
    chemical = {"technique": {"value": "chemical"}, "agent": {"value": "ethanol"}}
    assert "ethanol" in [g.key for g in assess(elements, chemical).missing]
    # Switched to RF: the agent no longer applies, so neither does its concentration.
    switched = {"technique": {"value": "thermal_rf"}, "agent": {"value": "ethanol"}}
    missing = [g.key for g in assess(elements, switched).missing]
    assert "agent" not in missing and "ethanol" not in missing


def test_each_element_that_applies_gets_a_status_in_catalog_order():
    answers = {
        "consent": {"na_reason": "patient refused"},  # consent does not allow n/a
        "technique": {"value": "thermal_rf"},
        "phenol": {"value": "6"},  # retired by the switch to RF
        "temperature": {"value": 85},
        "contrast": {"na_reason": " Iodinated contrast allergy "},
        "pain_after": {"value": "   "},
    }
    assert list(assess(ELEMENTS, answers).statuses) == [
        ("consent", "missing (required)"),
        ("technique", "documented"),
        ("temperature", "documented"),
        ("contrast", "not applicable: Iodinated contrast allergy"),
        ("pain_after", "missing (recommended)"),
    ]


def test_an_answered_information_element_is_documented_and_an_empty_one_has_no_status():
    assert (
        assess(ELEMENTS, {"remarks": {"value": "tolerated well"}}).element_status["remarks"]
        == "documented"
    )
    assert "remarks" not in assess(ELEMENTS, {}).element_status
