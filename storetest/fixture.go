package storetest

import cg "github.com/coalitiongraph/coalitiongraph"

// Fixture returns a fresh copy of the small dataset the contract runs on,
// built in code so that the contract does not move when the curated data
// does. Its facts are invented for the test (loosely after the seeds):
// every expected value in the contract is worked out by hand from it, so
// change it only together with those.
//
// Shape, for reading the expectations: 16 entities of all kinds; 21
// commitments c01…c21 (ids sort in number order) over 14 kinds and all
// date precisions, three of them undated; 11 relations; 3 claims, two of
// which disagree on one topic; 3 sources: src-a dated 2025-08-20 (known
// from the 21st), src-b dated only to 2025-08 (known from 1 September),
// src-c undated but bounded to 10–12 August (known from the 13th); see
// cg.KnownFrom. ev-rome and prop-reassurance have
// no edges. The ids mix upper and lower case on purpose: ordering is by
// byte, so "USA" sorts before "agr-budapest".
func Fixture() *cg.Dataset {
	d := cg.MustDate
	ev := func(src, quote, attributedTo string, line int) cg.Evidence {
		return cg.Evidence{SourceID: src, Quote: quote, AttributedTo: attributedTo, Line: line}
	}
	a := func(quote string, line int) cg.Evidence { return ev("src-a", quote, "", line) }
	b := func(quote string, line int) cg.Evidence { return ev("src-b", quote, "", line) }
	c := func(quote string, line int) cg.Evidence { return ev("src-c", quote, "", line) }

	ds := &cg.Dataset{
		Sources: []*cg.Source{
			// Out of id order on purpose: stores order by id.
			{ID: "src-c", File: "c.txt", Outlet: "Daily C", Title: "Coalition meets", Published: cg.Date{}, Text: fixtureText["src-c"],
				Author: "C. Writer", PublishedNotBefore: d("2025-08-10"), PublishedNotAfter: d("2025-08-12"),
				PublishedReasoning: "invented: speaks of Sunday's meeting as past and Wednesday's as ahead"},
			{ID: "src-a", File: "a.txt", Outlet: "Wire A", Title: "Guarantees talks", Published: d("2025-08-20"), Text: fixtureText["src-a"] + raceText()},
			{ID: "src-b", File: "b.txt", Outlet: "", Title: "", Published: d("2025-08"), Text: fixtureText["src-b"]},
		},
		Entities: []*cg.Entity{
			{ID: "ITA", Kind: cg.KindCountry, Name: "Italy", Aliases: []string{"Italian", "Rome"}},
			{ID: "FRA", Kind: cg.KindCountry, Name: "France", Aliases: []string{"French", "Paris"}},
			{ID: "POL", Kind: cg.KindCountry, Name: "Poland", Aliases: []string{"Polish", "Warsaw"}},
			{ID: "UKR", Kind: cg.KindCountry, Name: "Ukraine", Aliases: []string{"Ukrainian", "Kyiv"}, Description: "The country the guarantees are for."},
			{ID: "USA", Kind: cg.KindCountry, Name: "United States", Aliases: []string{"US", "Washington", "American"}},
			{ID: "RUS", Kind: cg.KindCountry, Name: "Russia", Aliases: []string{"Russian", "Moscow", "Kremlin"}},
			{ID: "meloni", Kind: cg.KindPerson, Name: "Giorgia Meloni", Aliases: []string{"Meloni"}},
			{ID: "macron", Kind: cg.KindPerson, Name: "Emmanuel Macron", Aliases: []string{"Macron"}},
			{ID: "nato", Kind: cg.KindOrganisation, Name: "NATO", Aliases: []string{"North Atlantic Treaty Organization", "the alliance"}},
			{ID: "coalition", Kind: cg.KindGroup, Name: "Coalition of the Willing", Aliases: []string{"coalition"}},
			{ID: "prop-ita-24h", Kind: cg.KindProposal, Name: "Italian 24-hour mutual defence plan", Aliases: []string{"Meloni plan"},
				Date: d("2025-08"), Description: "Allies would decide on help within 24 hours.",
				Evidence: []cg.Evidence{ev("src-a", "a plan “resembling” Article 5", "Bloomberg", 12), c("Rome’s idea", 4)}},
			{ID: "prop-reassurance", Kind: cg.KindProposal, Name: "Reassurance force plan", Aliases: []string{"Plan for a reassurance force"},
				Date: d("2025-02-17"), Evidence: []cg.Evidence{b("a reassurance force", 9)}},
			{ID: "ev-washington", Kind: cg.KindEvent, Name: "Washington summit", Aliases: []string{"White House meeting"},
				Date: d("2025-08-18"), Evidence: []cg.Evidence{a("met at the White House on Monday", 2)}},
			{ID: "ev-paris", Kind: cg.KindEvent, Name: "Paris meeting", Date: d("2025-03"), Evidence: []cg.Evidence{c("met in Paris in March", 8)}},
			{ID: "ev-rome", Kind: cg.KindEvent, Name: "Rome talks", Date: d("2025"), Evidence: []cg.Evidence{c("talks in Rome this year", 10)}},
			{ID: "agr-budapest", Kind: cg.KindAgreement, Name: "Budapest Memorandum", Aliases: []string{"Budapest"},
				Date: d("1994"), Evidence: []cg.Evidence{c("the 1994 Budapest Memorandum", 11)}},
		},
		Relations: []*cg.Relation{
			{ID: "r-macron-president-fra", Kind: cg.HoldsOffice, FromID: "macron", ToID: "FRA", Role: "President", Evidence: []cg.Evidence{a("French President Emmanuel Macron", 5)}},
			{ID: "r-meloni-pm-ita", Kind: cg.HoldsOffice, FromID: "meloni", ToID: "ITA", Role: "Prime Minister", Evidence: []cg.Evidence{a("Italian Prime Minister Giorgia Meloni", 1)}},
			{ID: "r-fra-member-nato", Kind: cg.MemberOf, FromID: "FRA", ToID: "nato", Evidence: []cg.Evidence{c("NATO allies France and Italy", 3)}},
			{ID: "r-ita-member-nato", Kind: cg.MemberOf, FromID: "ITA", ToID: "nato", Evidence: []cg.Evidence{c("NATO allies France and Italy", 3)}},
			{ID: "r-pol-member-nato", Kind: cg.MemberOf, FromID: "POL", ToID: "nato", Evidence: []cg.Evidence{b("NATO member Poland", 2)}},
			{ID: "r-fra-member-coalition", Kind: cg.MemberOf, FromID: "FRA", ToID: "coalition", Evidence: []cg.Evidence{b("France, which leads the coalition", 3)}},
			{ID: "r-macron-washington", Kind: cg.ParticipatedIn, FromID: "macron", ToID: "ev-washington", Role: "guest", Date: d("2025-08-18"), Evidence: []cg.Evidence{b("Macron flew to Washington", 4)}},
			{ID: "r-meloni-washington", Kind: cg.ParticipatedIn, FromID: "meloni", ToID: "ev-washington", Role: "guest", Date: d("2025-08-18"), Evidence: []cg.Evidence{a("Meloni, at the White House", 6)}},
			{ID: "r-usa-washington", Kind: cg.ParticipatedIn, FromID: "USA", ToID: "ev-washington", Role: "host", Date: d("2025-08-18"),
				Evidence: []cg.Evidence{b("Trump hosted the Europeans", 5), ev("src-a", "the US president’s guests", "White House officials", 7)}},
			{ID: "r-ukr-budapest", Kind: cg.Signed, FromID: "UKR", ToID: "agr-budapest", Date: d("1994"), Evidence: []cg.Evidence{c("Ukraine signed the memorandum", 11)}},
			{ID: "r-rus-budapest", Kind: cg.Signed, FromID: "RUS", ToID: "agr-budapest", Date: d("1994"), Evidence: []cg.Evidence{c("Russia, a signatory", 12)}},
		},
		Commitments: []*cg.Commitment{
			{ID: "c01-fra-troops", Kind: cg.OffersTroops, ActorID: "FRA", TargetID: "UKR", Status: cg.StatusOffered, Date: d("2025-08-20"), StatedByID: "macron",
				Conditions: []string{"after a ceasefire", "no front-line deployment"}, Summary: "France is ready to deploy troops after a ceasefire.",
				Evidence: []cg.Evidence{
					a("France is ready to deploy troops after a ceasefire", 3),
					ev("src-b", "Paris has offered to send forces", "officials", 7),
					ev("src-a", "Macron said France “will be there”", "Emmanuel Macron", 5),
				}},
			{ID: "c02-pol-refuses", Kind: cg.RefusesTroops, ActorID: "POL", TargetID: "UKR", Status: cg.StatusRefused, Date: d("2025-08"),
				Summary: "Poland will not send forces into Ukraine.", Evidence: []cg.Evidence{a("Poland clarified it will not send forces into Ukraine", 8)}},
			{ID: "c03-ita-proposes", Kind: cg.Proposes, ActorID: "ITA", TargetID: "prop-ita-24h", Status: cg.StatusProposed, Date: d("2025-08-18"), StatedByID: "meloni",
				Evidence: []cg.Evidence{a("Italy proposed a 24-hour plan", 12), ev("src-c", "Rome’s idea", "Bloomberg", 4)}},
			{ID: "c04-usa-air", Kind: cg.OffersAirSupport, ActorID: "USA", TargetID: "UKR", Status: cg.StatusOffered, Date: d("2025-08-19"),
				Evidence: []cg.Evidence{ev("src-b", "the US could provide air support", "sources familiar with the discussions", 6)}},
			{ID: "c05-usa-refuses", Kind: cg.RefusesTroops, ActorID: "USA", TargetID: "UKR", Status: cg.StatusRefused, Date: d("2025-08-19"),
				Evidence: []cg.Evidence{b("no American boots on the ground", 6)}},
			{ID: "c06-rus-opposes", Kind: cg.Opposes, ActorID: "RUS", TargetID: "nato", Status: cg.StatusStated, Date: d("2025"),
				Evidence: []cg.Evidence{c("Moscow rejects any NATO troops", 6)}},
			{ID: "c07-ukr-demands", Kind: cg.Demands, ActorID: "UKR", TargetID: "USA", Status: cg.StatusStated,
				Conditions: []string{"legally binding", "before any ceasefire", "with Congress"},
				Evidence:   []cg.Evidence{c("Kyiv wants guarantees", 7), a("Ukraine demands binding guarantees", 9)}},
			{ID: "c08-fra-air", Kind: cg.OffersAirSupport, ActorID: "FRA", TargetID: "UKR", Status: cg.StatusPledged, Date: d("2025-08-21"), StatedByID: "macron",
				Evidence: []cg.Evidence{a("France has pledged air patrols", 10)}},
			{ID: "c09-fra-air-old", Kind: cg.OffersAirSupport, ActorID: "FRA", TargetID: "UKR", Status: cg.StatusProposed, Date: d("2025-03"),
				Evidence: []cg.Evidence{c("France floated air policing in March", 8)}},
			{ID: "c10-ita-supports", Kind: cg.Supports, ActorID: "ITA", TargetID: "UKR", Status: cg.StatusStated, Date: d("2025-08-18"), StatedByID: "meloni",
				Evidence: []cg.Evidence{a("Italy stands with Ukraine", 11)}},
			{ID: "c11-meloni-supports", Kind: cg.Supports, ActorID: "meloni", TargetID: "prop-ita-24h", Status: cg.StatusStated, Date: d("2025-08-18"), StatedByID: "meloni",
				Evidence: []cg.Evidence{c("Meloni defended her plan", 5)}},
			{ID: "c12-coalition-troops", Kind: cg.OffersTroops, ActorID: "coalition", TargetID: "UKR", Status: cg.StatusConsidering, Date: d("2025-08"),
				Evidence: []cg.Evidence{b("about 10 European states are considering troops", 8)}},
			{ID: "c13-nato-logistics", Kind: cg.OffersLogistics, ActorID: "nato", TargetID: "UKR", Status: cg.StatusOffered,
				Evidence: []cg.Evidence{c("NATO could coordinate logistics", 9)}},
			{ID: "c14-ita-refuses", Kind: cg.RefusesTroops, ActorID: "ITA", TargetID: "UKR", Status: cg.StatusRefused, Date: d("2025-08-20"), StatedByID: "meloni",
				Conditions: []string{"no Italian soldiers"},
				Evidence:   []cg.Evidence{a("Italy will not send soldiers", 13), b("Rome rules out troops", 9)}},
			{ID: "c15-usa-supports", Kind: cg.Supports, ActorID: "USA", TargetID: "prop-ita-24h", Status: cg.StatusStated, Date: d("2025-08-22"),
				Evidence: []cg.Evidence{a("Washington welcomed the Italian idea", 14)}},
			{ID: "c16-rus-protests", Kind: cg.Protests, ActorID: "RUS", TargetID: "coalition", Status: cg.StatusStated, Date: d("2025-08-21"),
				DateReasoning: "invented: the protest follows the meeting of the day before",
				Evidence:      []cg.Evidence{b("the Kremlin protested", 10)}},
			{ID: "c17-pol-equipment", Kind: cg.OffersEquipment, ActorID: "POL", TargetID: "UKR", Status: cg.StatusDelivered, Date: d("2024"),
				Evidence: []cg.Evidence{c("Poland delivered tanks in 2024", 13)}},
			{ID: "c18-fra-surveillance", Kind: cg.OffersSurveillance, ActorID: "FRA", TargetID: "UKR", Status: cg.StatusWithdrawn, Date: d("2025-08-20"),
				Evidence: []cg.Evidence{a("France dropped its drone offer", 15)}},
			{ID: "c19-fra-venue", Kind: cg.OffersVenue, ActorID: "FRA", TargetID: "ev-paris", Status: cg.StatusDelivered, Date: d("2025-03-11"), StatedByID: "macron",
				Evidence: []cg.Evidence{c("Paris hosted the meeting", 8)}},
			{ID: "c20-usa-support", Kind: cg.OffersSupport, ActorID: "USA", TargetID: "UKR", Status: cg.StatusPledged,
				Evidence: []cg.Evidence{b("the US pledged to back the guarantees", 11)}},
			{ID: "c21-fra-troops-old", Kind: cg.OffersTroops, ActorID: "FRA", TargetID: "UKR", Status: cg.StatusProposed, Date: d("2025-02"),
				Evidence: []cg.Evidence{c("France first raised troops in February", 14)}},
		},
		Claims: []*cg.Claim{
			{ID: "cl-ita-plan-art5-a", SubjectID: "prop-ita-24h", Topic: "relation to Article 5", Text: "resembles NATO's Article 5", Position: "similar",
				Evidence: []cg.Evidence{ev("src-a", "the plan resembles NATO’s Article 5 commitment", "Bloomberg", 12)}},
			{ID: "cl-ita-plan-art5-c", SubjectID: "prop-ita-24h", Topic: "relation to Article 5", Text: "would stop short of Article 5", Position: "stops-short",
				Evidence: []cg.Evidence{c("would stop short of Article 5", 4)}},
			{ID: "cl-coalition-size-b", SubjectID: "coalition", Topic: "size", Text: "about 10 European states", Position: "about-10",
				Stance:   &cg.Stance{ActorID: "coalition", Kind: cg.OffersTroops, State: cg.StanceUnderDiscussion, DiscussedBy: "European capitals"},
				Evidence: []cg.Evidence{b("about 10 European states", 8)}},
		},
	}
	for _, c := range ds.Commitments {
		c.Version = 1 // curated facts are the first version
	}
	return ds
}
