"""The demo town (双乳镇): units, people, cases and key persons to try the engine on."""
