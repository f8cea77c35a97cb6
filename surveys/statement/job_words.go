package statement

// The word lists of the job lint (job.go), as deliberate as those of
// words.go: each entry is there because job statements use it, and a word
// left out is cheaper than a false warning. Lower-case ASCII but for the
// French ones.

// wishes open a when that states a want instead of a situation: "When I
// want to be productive".
var wishes = longestFirst("i want", "i need", "i would like", "i'd like", "i wish", "i hope", "we want", "we need",
	"we would like", "we'd like", "you want", "you need")

// genericWhen are the words a when may hold and still name no situation:
// "When needed", "When I work", "When it is time".
var genericWhen = set("i", "we", "you", "they", "it", "is", "am", "are", "was", "be", "i'm", "we're", "it's", "there",
	"do", "does", "doing", "work", "working", "need", "needed", "needs", "want", "wants", "necessary", "possible",
	"required", "use", "using", "time", "times", "day", "days", "always", "sometimes", "often", "usually", "ever",
	"every", "any", "the", "a", "an", "my", "our", "at", "in", "on", "to", "of", "job", "have", "has", "something",
	"anything", "things", "stuff", "come", "comes", "now", "today", "then", "so", "get", "gets", "this", "that",
	"happens", "arises", "occurs", "possibly", "appropriate", "relevant", "applicable", "when", "whenever", "if")

// broadWords are the words of a want that fits every customer: a want made
// of them alone ("be more productive", "grow my business", "stay on top of
// things", "save time") names no object of its own.
var broadWords = set("be", "become", "feel", "stay", "get", "do", "make", "run", "manage", "grow", "live", "achieve",
	"reach", "improve", "save", "work", "succeed", "win", "thrive", "perform", "productive", "successful",
	"efficient", "effective", "efficiently", "effectively", "better", "more", "less", "faster", "smarter", "happy",
	"happier", "organized", "organised", "good", "great", "well", "best", "job", "jobs", "business", "life",
	"time", "money", "things", "thing", "done", "goals", "goal", "productivity", "efficiency", "success",
	"company", "day", "tasks", "stuff", "everything", "all", "very", "really", "growth", "results", "performance",
	"my", "our", "the", "a", "an", "your", "their", "me", "us", "myself", "ourselves", "it", "to", "and", "on",
	"top", "of", "ahead", "in", "control", "lot", "much", "value", "most", "work-life", "balance")

// fillers add no object to a want: "be more productive" is "be productive".
var fillers = set("my", "our", "the", "a", "an", "more", "less", "very", "really", "most", "fully", "truly", "always")

// copulas link the subject to an adjective: "be productive", "feel
// confident", "stay organized" have no object.
var copulas = set("be", "become", "feel", "stay", "remain", "look", "seem", "get")

// acquireVerbs make a want about getting a tool, not the progress it
// brings: "install a CRM", "adopt a new platform".
var acquireVerbs = set("install", "download", "subscribe", "adopt", "deploy", "implement", "procure")

// clickTasks open a want that is one step in a tool.
var clickTasks = longestFirst("click on", "click", "log in", "log into", "log on", "sign in", "sign into",
	"sign on", "log out", "sign out", "fill in a form", "fill out a form", "check a box", "check the box",
	"tick a box", "tick the box", "select an option", "select a date", "type in", "copy and paste",
	"drag and drop", "reset my password", "reset a password", "enter a password", "enter my password",
	"change my password", "refresh the page", "reload the page", "open the app", "open an app")

// clickVerbs are click-level whatever follows: "scroll to the top".
var clickVerbs = set("click", "tap", "press", "scroll", "swipe", "drag", "toggle", "tick", "untick", "paste",
	"login", "logout", "bookmark", "upload", "attach", "rename", "refresh", "reload")

// deskVerbs and deskObjects make a click-level want together, in four
// words or fewer: "open a file", "print the report", "send an email".
var (
	deskVerbs   = set("open", "save", "print", "close", "download", "export", "send", "forward", "copy", "delete")
	deskObjects = set("file", "document", "doc", "page", "tab", "window", "link", "form", "field", "pdf",
		"attachment", "folder", "email", "e-mail", "report", "screenshot", "message")
)

// soThatLeads repeat what the sentence says before the so-that.
var soThatLeads = longestFirst("so i can", "so that i can", "so that we can", "so we can", "so that", "so",
	"i can", "we can", "in order to", "to")

// wantLeads repeat what the sentence says before the want.
var wantLeads = longestFirst("i want to", "i'd like to", "i would like to", "i need to", "i wish to", "we want to",
	"we need to", "we'd like to", "we would like to", "want to", "to", "i want", "we want", "i need", "we need",
	"i'd like", "i can", "so i can")

// auxiliaries never follow "When you" alone: "When you can find…", nor
// does "not" ("When you not lose…").
var auxiliaries = set("am", "is", "are", "was", "were", "can", "could", "should", "would", "will", "shall", "may",
	"might", "must", "has", "had", "does", "did", "i'm", "i'd", "we're", "we'd", "i've", "we've", "not")

// notThirdPerson end in -s without being "he finds": adverbs and nouns a
// want may start with.
var notThirdPerson = set("always", "sometimes", "perhaps", "afterwards", "towards", "besides", "unless", "thus",
	"this", "its", "his", "hers", "ours", "yours", "theirs", "less", "bias", "canvas", "alias", "news", "series")

// frenchLeads may come before the infinitive of a French want: "ne pas
// perdre", "mieux suivre", "vous organiser", "les retrouver".
var frenchLeads = set("vous", "ne", "pas", "plus", "mieux", "bien", "vite", "enfin", "toujours", "davantage",
	"rapidement", "facilement", "le", "la", "les", "lui", "leur", "y", "en", "jamais", "n", "l")

// frenchSubjects start a French want that does not read after "Quand vous
// voulez": a subject, or a pronoun of another person ("me", "se", "nous").
var frenchSubjects = set("je", "me", "nous", "se", "on", "il", "elle", "ils", "elles", "tu", "te", "m", "s", "j", "t")
